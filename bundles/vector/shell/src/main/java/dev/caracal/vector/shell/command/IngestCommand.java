package dev.caracal.vector.shell.command;

import dev.caracal.vector.shell.internal.Ingestor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.osgi.framework.BundleContext;

@Service
@Command(
        scope = "vector",
        name = "ingest",
        description = "Ingest text, Markdown and HTML files into a collection",
        detailedDescription = "Parses each file, cuts it into paragraph-sized chunks and stores one record per chunk "
                + "(id <path>#<n>, metadata source, chunk, title), embedding the text. Ingesting a file again replaces "
                + "its chunks. The collection is created on first use with the default embedding model.")
public class IngestCommand extends VectorCommandSupport {
    static final String DEFAULT_COLLECTION = "documents";
    static final String DEFAULT_MODEL = "all-minilm-l6-v2";

    @Argument(index = 0, name = "path", required = true, description = "A file or a directory (walked recursively)")
    @Completion(FileCompleter.class)
    String path;

    @Option(name = "-c", aliases = "--collection", description = "Collection (default: documents; created if missing)")
    @Completion(CollectionCompleter.class)
    String collection = DEFAULT_COLLECTION;

    @Option(
            name = "-e",
            aliases = "--embedding",
            description = "Embedding model when the collection is created (default all-minilm-l6-v2)")
    String embedding = DEFAULT_MODEL;

    @Option(name = "-b", aliases = "--batch", description = "Chunks per durable batch (default 64)")
    int batch = 64;

    @Option(name = "-q", aliases = "--quiet", description = "Only print the summary")
    boolean quiet;

    @Reference
    BundleContext bundleContext;

    @Override
    protected Object run() throws Exception {
        Path root = Paths.get(path).toAbsolutePath().normalize();
        if (!Files.exists(root)) {
            System.err.println("Error: " + root + " does not exist");
            return null;
        }
        Ingestor.Summary s;
        try (Ingestor.Services services = Ingestor.services(bundleContext)) {
            Ingestor ingestor = new Ingestor(store, services, collection, embedding, Math.max(1, batch));
            s = ingestor.ingest(root, quiet ? line -> {} : System.out::println);
        }
        System.out.println(String.format(
                Locale.ROOT,
                "Ingested %d file(s) into '%s': %d chunks in %.1f s (%.0f chunks/s); %d skipped, %d failed",
                s.files(),
                collection,
                s.chunks(),
                s.seconds(),
                s.chunks() / Math.max(0.001, s.seconds()),
                s.skipped(),
                s.failed()));
        for (String err : s.errors()) {
            System.err.println("  " + err);
        }
        return null;
    }
}
