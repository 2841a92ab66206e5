package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(
        scope = "vector",
        name = "list",
        description = "List the collections of every tenant, or of one with --tenant",
        detailedDescription = "Without --tenant, lists every tenant's collections with a Tenant column (collections"
                + " from before tenants belong to tenant default); with --tenant acme, only acme's.")
public class ListCommand extends VectorCommandSupport {

    @Override
    protected Object run() {
        boolean everyTenant = tenant == null;
        Map<String, List<CollectionInfo>> byTenant =
                everyTenant ? store.collectionsByTenant() : Map.of(tenant(), vectors.listCollections());
        if (byTenant.values().stream().allMatch(List::isEmpty)) {
            System.out.println(
                    everyTenant
                            ? "No collections yet. Create one with vector:create, or vector:ingest a folder."
                            : "Tenant " + tenant() + " has no collections. Create one with vector:create --tenant "
                                    + tenant() + ".");
            return null;
        }
        ShellTable table = new ShellTable();
        if (everyTenant) {
            table.column("Tenant");
        }
        table.column("Name");
        table.column("Records").alignRight();
        table.column("Dim").alignRight();
        table.column("Metric");
        table.column("Embedding");
        table.column("Index");
        byTenant.forEach((tenantName, collections) -> {
            for (CollectionInfo c : collections) {
                var row = table.addRow();
                if (everyTenant) {
                    row.addContent(tenantName);
                }
                row.addContent(
                        c.spec().name(),
                        c.count(),
                        c.spec().dimension(),
                        c.spec().metric().id(),
                        c.spec().embeddingModel() == null ? "-" : c.spec().embeddingModel(),
                        c.spec().index().type()
                                + (c.index() == null
                                        ? ""
                                        : " (" + c.index().status().name().toLowerCase(Locale.ROOT) + ")"));
            }
        });
        table.print(System.out);
        return null;
    }
}
