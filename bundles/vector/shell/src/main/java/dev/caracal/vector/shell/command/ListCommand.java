package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionInfo;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Service
@Command(scope = "vector", name = "list", description = "List the collections")
public class ListCommand extends VectorCommandSupport {

    @Override
    protected Object run() {
        List<CollectionInfo> all = store.listCollections();
        if (all.isEmpty()) {
            System.out.println("No collections yet. Create one with vector:create, or vector:ingest a folder.");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Records").alignRight();
        table.column("Dim").alignRight();
        table.column("Metric");
        table.column("Embedding");
        table.column("Index");
        for (CollectionInfo c : all) {
            table.addRow()
                    .addContent(
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
        table.print(System.out);
        return null;
    }
}
