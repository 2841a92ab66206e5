package dev.caracal.vector.shell.command;

import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

@Service
@Command(
        scope = "vector",
        name = "create",
        description = "Create a collection",
        detailedDescription = "Create a durable collection. Give --dimension for vectors you supply, or --embedding "
                + "to embed text (the dimension then comes from the model).\n"
                + "Example: vector:create --embedding all-minilm-l6-v2 docs\n"
                + "With --tenant acme the collection belongs to tenant acme (names are unique per tenant).")
public class CreateCommand extends VectorCommandSupport {

    @Argument(index = 0, name = "name", required = true, description = "Collection name: letters, digits, _ . -")
    String name;

    @Option(
            name = "-d",
            aliases = "--dimension",
            description = "Vector dimension (omit when --embedding names a model)")
    int dimension;

    @Option(
            name = "-m",
            aliases = "--metric",
            description =
                    "cosine (default), dot, l2, manhattan, hamming (0/1 vectors) or jaccard (non-negative vectors)")
    String metric = "cosine";

    @Option(name = "-e", aliases = "--embedding", description = "Embedding model for text, e.g. all-minilm-l6-v2")
    String embedding;

    @Option(name = "-i", aliases = "--index", description = "Index type (default flat)")
    String index = IndexSpec.FLAT;

    @Override
    protected String auditAction() {
        return "collection.create";
    }

    @Override
    protected String auditTarget() {
        return name;
    }

    @Override
    protected Object run() throws CommandException {
        if (dimension <= 0 && embedding == null) {
            throw failure("give --dimension N, or --embedding MODEL (e.g. all-minilm-l6-v2)");
        }
        CollectionInfo info = vectors.createCollection(new CollectionSpec(
                name,
                Math.max(0, dimension),
                Metric.parse("metric", metric),
                embedding,
                new IndexSpec(index, Map.of())));
        System.out.println("Created collection " + label(info.spec().name()) + " ("
                + info.spec().dimension() + " dimensions, "
                + info.spec().metric().id()
                + (info.spec().embeddingModel() == null
                        ? ""
                        : ", embedding " + info.spec().embeddingModel())
                + ", index " + info.spec().index().type() + ")");
        return null;
    }
}
