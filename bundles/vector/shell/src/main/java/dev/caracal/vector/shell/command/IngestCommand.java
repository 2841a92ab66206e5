package dev.caracal.vector.shell.command;

import dev.caracal.rag.ingest.IngestException;
import dev.caracal.rag.ingest.IngestOptions;
import dev.caracal.rag.ingest.IngestRequest;
import dev.caracal.rag.ingest.IngestResult;
import dev.caracal.rag.ingest.Ingestion;
import dev.caracal.vector.CollectionInfo;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.shell.internal.ConsolePaths;
import dev.caracal.vector.shell.internal.Counts;
import dev.caracal.vector.shell.internal.IngestPrinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.Terminal;
import org.apache.karaf.shell.support.CommandException;

@Service
@Command(
        scope = "vector",
        name = "ingest",
        description = "Ingest text, Markdown and HTML files into a collection",
        detailedDescription = "Parses each file, cuts it into paragraph-sized chunks and stores one record per chunk "
                + "(id <path>#<n>, metadata source, chunk, title), embedding the text. Ingesting a file again replaces "
                + "its chunks. The collection is created on first use with the default embedding model.\n"
                + "Paths: ~ and ~/... start at the home directory of the user running Karaf; a relative path starts "
                + "at the console's current directory, which pwd shows and cd changes. bin/karaf starts the console "
                + "in the Karaf installation directory, not in the directory you ran it from, so give folders "
                + "elsewhere as absolute or ~/ paths. Through bin/client or ssh the path is on the machine Karaf runs "
                + "on. Files and folders whose names start with '.' are left out.\n"
                + "Output: one progress line, then a summary that lists the files skipped or failed; --verbose prints "
                + "one line per file instead.\n"
                + "With --tenant acme the documents go into tenant acme's collection.")
public class IngestCommand extends VectorCommandSupport {
    static final String DEFAULT_COLLECTION = "documents";
    static final String DEFAULT_MODEL = IngestOptions.DEFAULT_EMBEDDING_MODEL;

    @Argument(
            index = 0,
            name = "path",
            required = true,
            description = "A file or a folder (walked recursively); ~/ and relative paths as described below")
    @Completion(SessionFileCompleter.class)
    String path;

    @Option(name = "-c", aliases = "--collection", description = "Collection (default: documents; created if missing)")
    @Completion(CollectionCompleter.class)
    String collection = DEFAULT_COLLECTION;

    @Option(
            name = "-e",
            aliases = "--embedding",
            description = "Embedding model when the collection is created (default all-minilm-l6-v2)")
    String embedding;

    @Option(name = "-b", aliases = "--batch", description = "Chunks per durable batch (default 64)")
    int batch = IngestOptions.DEFAULT_BATCH_SIZE;

    @Option(name = "-q", aliases = "--quiet", description = "Only print the summary (and the files that failed)")
    boolean quiet;

    @Option(name = "-v", aliases = "--verbose", description = "Print one line per file instead of a progress line")
    boolean verbose;

    @Reference(optional = true)
    Ingestion ingestion;

    @Reference(optional = true)
    Session session;

    @Override
    protected Object run() throws CommandException {
        if (quiet && verbose) {
            throw new IllegalArgumentException("--quiet and --verbose contradict each other; give one of them");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be a positive number of chunks, got " + batch);
        }
        if (ingestion == null) {
            throw failure("the ingestion service is not running; feature:install caracal-rag-ingest "
                    + "starts it (caracal:status shows what runs)");
        }
        Path root = resolve();
        checkEmbedding();
        IngestOptions options = IngestOptions.DEFAULTS
                .withEmbeddingModel(embedding == null ? DEFAULT_MODEL : embedding)
                .withBatchSize(batch);
        IngestPrinter printer = printer();
        IngestResult result;
        try {
            result = ingestion.ingest(IngestRequest.path(tenant(), collection, root, options), printer);
        } catch (IngestException e) {
            throw failure(e.getMessage(), e);
        } finally {
            printer.close();
        }
        if (result.documents().isEmpty()) {
            throw new IllegalArgumentException(
                    "found no files to ingest in " + root + " (files and folders whose names start with '.' are left "
                            + "out); give a folder with text, Markdown or HTML files");
        }
        printer.summary(result, options.embeddingModel(), label(collection));
        if (result.ingested() == 0) {
            List<String> problems = result.problems();
            throw new IllegalArgumentException("nothing was ingested from " + root + ": "
                    + (problems.size() == 1
                            ? problems.get(0)
                            : Counts.of(problems.size(), "file") + " skipped or failed; --verbose lists why"));
        }
        return null;
    }

    /** The file or folder the path argument names, which must exist and be readable. */
    private Path resolve() {
        Path current = session == null ? Path.of(System.getProperty("user.dir")) : session.currentDir();
        Path root = ConsolePaths.resolve(path, current, Path.of(System.getProperty("user.home")));
        if (!Files.exists(root)) {
            String hint = ConsolePaths.isRelative(path)
                    ? " (a relative path starts at the console's current directory " + current
                            + ": cd changes it; or give an absolute or ~/ path)"
                    : "";
            throw new IllegalArgumentException(root + " does not exist" + hint + "; give an existing file or folder");
        }
        if (!Files.isReadable(root)) {
            throw new IllegalArgumentException(
                    root + " cannot be read by the user running Karaf; check its permissions");
        }
        return root;
    }

    /** An explicit model for a collection that already exists with another one would be ignored: refuse it. */
    private void checkEmbedding() {
        if (embedding == null) {
            return;
        }
        CollectionInfo info;
        try {
            info = vectors.describe(collection);
        } catch (CollectionNotFoundException e) {
            return;
        }
        if (!Objects.equals(info.spec().embeddingModel(), embedding)) {
            throw new IllegalArgumentException("collection '" + label(collection) + "' exists with the embedding model "
                    + info.spec().embeddingModel() + "; --embedding applies only when a collection is created, so "
                    + "leave it out or choose a new --collection");
        }
    }

    private IngestPrinter printer() {
        Terminal terminal = session == null ? null : session.getTerminal();
        boolean ansi = terminal != null && terminal.isAnsiSupported();
        IngestPrinter.Mode mode =
                quiet ? IngestPrinter.Mode.QUIET : verbose ? IngestPrinter.Mode.VERBOSE : IngestPrinter.Mode.PROGRESS;
        return new IngestPrinter(
                System.out,
                System.err,
                mode,
                ansi,
                terminal == null ? 0 : terminal.getWidth(),
                TimeUnit.MILLISECONDS.toNanos(100));
    }
}
