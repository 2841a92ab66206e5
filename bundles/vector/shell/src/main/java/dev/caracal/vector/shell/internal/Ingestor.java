package dev.caracal.vector.shell.internal;

import dev.caracal.rag.Chunk;
import dev.caracal.rag.Chunker;
import dev.caracal.rag.ChunkingOptions;
import dev.caracal.rag.DocumentParser;
import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import dev.caracal.vector.CollectionNotFoundException;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.VectorException;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.VectorStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Ingests files into a collection: parse each with the {@link DocumentParser} for its media type, cut it into
 * paragraph chunks, and upsert one record per chunk in durable batches, reporting progress per file. Record ids are
 * {@code <relative path>#<chunk>}, so ingesting a file again replaces its chunks (and removes chunks it no longer has).
 */
public final class Ingestor {

    /** The plugins ingestion needs, looked up when used so they may come and go. */
    public interface Services extends AutoCloseable {
        Optional<DocumentParser> parser(String mediaType);

        Optional<Chunker> chunker(String strategy);

        /** Releases the services obtained so far. */
        @Override
        default void close() {}
    }

    public record Summary(int files, int chunks, int skipped, int failed, double seconds, List<String> errors) {}

    static final Map<String, String> MEDIA_TYPES = Map.of(
            "txt",
            "text/plain",
            "text",
            "text/plain",
            "md",
            "text/markdown",
            "markdown",
            "text/markdown",
            "html",
            "text/html",
            "htm",
            "text/html");

    /** Files larger than this are skipped: the parsers read a whole document into memory. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private final VectorStore store;
    private final Services services;
    private final String collection;
    private final String embedding;
    private final int batchSize;

    public Ingestor(VectorStore store, Services services, String collection, String embedding, int batchSize) {
        this.store = store;
        this.services = services;
        this.collection = collection;
        this.embedding = embedding;
        this.batchSize = batchSize;
    }

    /** Services from the OSGi registry, best ranking first; closing it releases every service it handed out. */
    public static Services services(BundleContext context) {
        return new RegistryServices(context);
    }

    private static final class RegistryServices implements Services {
        private final BundleContext context;
        private final List<ServiceReference<?>> used = new ArrayList<>();

        RegistryServices(BundleContext context) {
            this.context = context;
        }

        @Override
        public Optional<DocumentParser> parser(String mediaType) {
            return find(
                    DocumentParser.class,
                    DocumentParser.TYPES_PROPERTY + "=*",
                    p -> p.mediaTypes().contains(mediaType));
        }

        @Override
        public Optional<Chunker> chunker(String strategy) {
            return find(Chunker.class, Chunker.STRATEGY_PROPERTY + "=" + strategy, c -> true);
        }

        private synchronized <T> Optional<T> find(Class<T> type, String filter, java.util.function.Predicate<T> test) {
            try {
                List<ServiceReference<T>> refs =
                        new ArrayList<>(context.getServiceReferences(type, "(" + filter + ")"));
                refs.sort(null);
                for (int i = refs.size() - 1; i >= 0; i--) {
                    ServiceReference<T> ref = refs.get(i);
                    T svc = context.getService(ref);
                    if (svc == null) {
                        continue;
                    }
                    used.add(ref);
                    if (test.test(svc)) {
                        return Optional.of(svc);
                    }
                }
                return Optional.empty();
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public synchronized void close() {
            for (ServiceReference<?> ref : used) {
                context.ungetService(ref);
            }
            used.clear();
        }
    }

    public static String mediaType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : MEDIA_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    public Summary ingest(Path root, Consumer<String> progress) throws IOException {
        long start = System.nanoTime();
        Chunker chunker = services.chunker("paragraph")
                .orElseThrow(() ->
                        new VectorException("no paragraph chunker is available; install the caracal-rag-text feature"));
        ensureCollection();
        List<Path> files = listFiles(root);
        Path base = Files.isDirectory(root) ? root : root.getParent();
        List<VectorRecord> pending = new ArrayList<>(batchSize);
        List<String> errors = new ArrayList<>();
        int done = 0;
        int chunks = 0;
        int skipped = 0;
        int failed = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String rel = base.relativize(file).toString().replace('\\', '/');
            String type = mediaType(file);
            Optional<DocumentParser> parser = type == null ? Optional.empty() : services.parser(type);
            if (parser.isEmpty()) {
                skipped++;
                progress.accept(String.format(
                        Locale.ROOT,
                        "[%d/%d] %s: skipped (%s)",
                        i + 1,
                        files.size(),
                        rel,
                        type == null ? "not text, Markdown or HTML" : "no parser for " + type));
                continue;
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                skipped++;
                progress.accept(String.format(
                        Locale.ROOT,
                        "[%d/%d] %s: skipped (larger than %d MB)",
                        i + 1,
                        files.size(),
                        rel,
                        MAX_FILE_BYTES >> 20));
                continue;
            }
            List<Chunk> parts;
            try (InputStream in = Files.newInputStream(file)) {
                ParsedDocument doc = parser.get().parse(in, type, rel);
                parts = chunker.chunk(doc, ChunkingOptions.PARAGRAPHS);
            } catch (ParseException | IOException | RuntimeException e) {
                failed++;
                errors.add(rel + ": " + e.getMessage());
                progress.accept(String.format(
                        Locale.ROOT, "[%d/%d] %s: failed (%s)", i + 1, files.size(), rel, e.getMessage()));
                continue;
            }
            removeStaleChunks(rel, parts.size());
            for (Chunk c : parts) {
                Map<String, Object> meta = new LinkedHashMap<>(c.metadata());
                meta.put("source", rel);
                meta.put("chunk", c.index());
                meta.put("chunks", parts.size());
                pending.add(new VectorRecord(rel + "#" + c.index(), null, meta, c.text(), List.of()));
                if (pending.size() >= batchSize) {
                    flush(pending);
                }
            }
            done++;
            chunks += parts.size();
            double secs = (System.nanoTime() - start) / 1e9;
            progress.accept(String.format(
                    Locale.ROOT,
                    "[%d/%d] %s: %d chunks (total %d, %.0f chunks/s)",
                    i + 1,
                    files.size(),
                    rel,
                    parts.size(),
                    chunks,
                    chunks / Math.max(0.001, secs)));
        }
        flush(pending);
        return new Summary(done, chunks, skipped, failed, (System.nanoTime() - start) / 1e9, errors);
    }

    private void flush(List<VectorRecord> pending) {
        if (!pending.isEmpty()) {
            store.upsert(collection, List.copyOf(pending));
            pending.clear();
        }
    }

    /** When a file had more chunks before, delete the ones it no longer has. */
    private void removeStaleChunks(String rel, int newCount) {
        Optional<VectorRecord> first = store.get(collection, rel + "#0");
        if (first.isEmpty()) {
            return;
        }
        Object old = first.get().metadata().get("chunks");
        if (old instanceof Number n && n.intValue() > newCount) {
            List<String> stale = new ArrayList<>();
            for (int c = newCount; c < n.intValue(); c++) {
                stale.add(rel + "#" + c);
            }
            store.delete(collection, stale);
        }
    }

    private void ensureCollection() {
        try {
            store.describe(collection);
        } catch (CollectionNotFoundException e) {
            store.createCollection(new CollectionSpec(collection, 0, Metric.COSINE, embedding, IndexSpec.FLAT_SPEC));
        }
    }

    static List<Path> listFiles(Path root) throws IOException {
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(root.relativize(p)))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static boolean isHidden(Path rel) {
        for (Path part : rel) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
