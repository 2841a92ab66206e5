package dev.caracal.rag.ingest.internal;

import dev.caracal.rag.Chunk;
import dev.caracal.rag.Chunker;
import dev.caracal.rag.DocumentParser;
import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import dev.caracal.rag.ingest.Document;
import dev.caracal.rag.ingest.DocumentResult;
import dev.caracal.rag.ingest.DocumentResult.Outcome;
import dev.caracal.rag.ingest.IngestListener;
import dev.caracal.rag.ingest.IngestOptions;
import dev.caracal.rag.ingest.IngestProgress;
import dev.caracal.rag.ingest.IngestRequest;
import dev.caracal.rag.ingest.IngestResult;
import dev.caracal.rag.ingest.IngestUnavailableException;
import dev.caracal.rag.ingest.Ingestion;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.VectorStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion engine: each document is parsed by the best-ranked registered {@link DocumentParser} for its media
 * type, cut by the {@link Chunker} of the requested strategy, and written through {@link CollectionWriter}. Parsers
 * and chunkers may come and go while it runs: a document whose parser is missing is reported as unsupported, one whose
 * parser fails (or leaves mid-parse) as failed, and the run goes on.
 */
@Component(service = Ingestion.class)
public final class IngestionService implements Ingestion {
    private static final Logger LOG = LoggerFactory.getLogger(IngestionService.class);

    /** Documents larger than this are skipped: the parsers read a whole document into memory. */
    static final long MAX_DOCUMENT_BYTES = 64L * 1024 * 1024;

    private final VectorStore store;
    private final long maxDocumentBytes;
    private final RankedServices<DocumentParser> parsers = new RankedServices<>();
    private final RankedServices<Chunker> chunkers = new RankedServices<>();

    @Activate
    public IngestionService(@Reference(name = "store") VectorStore store) {
        this(store, MAX_DOCUMENT_BYTES);
    }

    IngestionService(VectorStore store, long maxDocumentBytes) {
        this.store = store;
        this.maxDocumentBytes = maxDocumentBytes;
    }

    @Reference(
            service = DocumentParser.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + DocumentParser.TYPES_PROPERTY + "=*)")
    public void bindParser(DocumentParser parser, Map<String, Object> properties) {
        parsers.add(parser, null, properties);
        LOG.info("Document parser for {} is available", parser.mediaTypes());
    }

    public void unbindParser(DocumentParser parser) {
        parsers.remove(parser);
    }

    @Reference(
            service = Chunker.class,
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindChunker(Chunker chunker, Map<String, Object> properties) {
        Object strategy = properties == null ? null : properties.get(Chunker.STRATEGY_PROPERTY);
        chunkers.add(chunker, strategy == null ? chunker.strategy() : strategy.toString(), properties);
        LOG.info("Chunker '{}' is available", strategy == null ? chunker.strategy() : strategy);
    }

    public void unbindChunker(Chunker chunker) {
        chunkers.remove(chunker);
    }

    @Override
    public Set<String> mediaTypes() {
        Set<String> types = new TreeSet<>();
        for (DocumentParser parser : parsers.all()) {
            for (String type : parser.mediaTypes()) {
                types.add(MediaTypes.baseType(type));
            }
        }
        return types;
    }

    @Override
    public IngestResult ingest(IngestRequest request, IngestListener listener) {
        long start = System.nanoTime();
        IngestOptions options = request.options();
        String strategy = options.chunkingStrategy();
        Chunker chunker = chunkers.byKey(strategy)
                .orElseThrow(() -> new IngestUnavailableException("no " + strategy + " chunker is available; "
                        + (strategy.equals(IngestOptions.DEFAULT_STRATEGY)
                                ? "install the caracal-rag-text feature"
                                : "install the feature whose chunker registers " + Chunker.STRATEGY_PROPERTY + "="
                                        + strategy)));
        CollectionWriter writer = writerFor(request); // an invalid tenant is refused before any file is read
        List<Document> documents;
        List<DocumentResult> unlisted;
        if (request.path() != null) {
            DocumentFiles.Listing listing = DocumentFiles.list(request.path());
            documents = listing.documents();
            unlisted = listing.unlisted();
        } else {
            documents = request.documents();
            unlisted = List.of();
            DocumentNames.check(documents);
        }
        writer.prepare();
        int total = documents.size() + unlisted.size();
        listener.started(total);
        List<DocumentResult> results = new ArrayList<>(total);
        int chunks = 0;
        for (Document document : documents) {
            DocumentResult result = ingestOne(document, chunker, options, writer);
            results.add(result);
            chunks += result.chunks();
            listener.documentDone(result, new IngestProgress(results.size(), total, chunks, System.nanoTime() - start));
        }
        writer.flush();
        for (DocumentResult failure : unlisted) {
            results.add(failure);
            listener.documentDone(
                    failure, new IngestProgress(results.size(), total, chunks, System.nanoTime() - start));
        }
        IngestResult result =
                new IngestResult(writer.collection(), writer.created(), results, System.nanoTime() - start);
        LOG.debug(
                "Ingested {} of {} documents into '{}' of tenant '{}': {} chunks in {} ms; {} skipped, {} failed",
                result.ingested(),
                total,
                result.collection(),
                request.tenant(),
                result.chunks(),
                result.elapsedNanos() / 1_000_000,
                result.skipped(),
                result.failed());
        return result;
    }

    /**
     * The writer for the request's collection, in the request's tenant (the store's view of that tenant only): the
     * one place an ingestion decides which collection it addresses.
     */
    private CollectionWriter writerFor(IngestRequest request) {
        IngestOptions options = request.options();
        return new CollectionWriter(
                store.forTenant(request.tenant()), request.collection(), options.embeddingModel(), options.batchSize());
    }

    private DocumentResult ingestOne(
            Document document, Chunker chunker, IngestOptions options, CollectionWriter writer) {
        String name = document.name();
        if (name.length() > DocumentNames.MAX_CHARS) {
            return notIngested(
                    name,
                    null,
                    Outcome.FAILED,
                    "the name is " + name.length() + " characters long; record ids allow at most "
                            + DocumentNames.MAX_CHARS);
        }
        String type = document.mediaType() != null ? document.mediaType() : MediaTypes.forName(name);
        String base = MediaTypes.baseType(type);
        if (base == null) {
            return notIngested(name, null, Outcome.UNSUPPORTED, "unknown document type; ingestion reads " + readable());
        }
        Optional<DocumentParser> parser = parsers.find(p -> readsType(p, base));
        if (parser.isEmpty()) {
            return notIngested(
                    name, base, Outcome.UNSUPPORTED, "no parser for " + base + "; ingestion reads " + readable());
        }
        if (document.size() > maxDocumentBytes) {
            return notIngested(name, base, Outcome.TOO_LARGE, "larger than " + limit());
        }
        List<Chunk> parts;
        try (InputStream in = new LimitedInputStream(document.content().open(), maxDocumentBytes)) {
            ParsedDocument parsed = parser.get().parse(in, type, name);
            parts = chunker.chunk(parsed, options.chunking());
        } catch (ParseException | IOException | RuntimeException e) {
            if (causedBy(e, LimitedInputStream.TooLargeException.class)) {
                return notIngested(name, base, Outcome.TOO_LARGE, "larger than " + limit());
            }
            return notIngested(name, base, Outcome.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        List<VectorRecord> records = new ArrayList<>(parts.size());
        for (Chunk chunk : parts) {
            Map<String, Object> metadata = new LinkedHashMap<>(chunk.metadata());
            metadata.put(CollectionWriter.SOURCE, name);
            metadata.put(CollectionWriter.CHUNK, chunk.index());
            metadata.put(CollectionWriter.CHUNKS, parts.size());
            records.add(new VectorRecord(
                    CollectionWriter.id(name, chunk.index()), null, metadata, chunk.text(), List.of()));
        }
        int before = writer.replace(name, records);
        return new DocumentResult(
                name,
                base,
                Outcome.INGESTED,
                records.size(),
                Math.min(before, records.size()),
                Math.max(0, before - records.size()),
                null);
    }

    private static boolean readsType(DocumentParser parser, String base) {
        for (String type : parser.mediaTypes()) {
            if (base.equals(MediaTypes.baseType(type))) {
                return true;
            }
        }
        return false;
    }

    private String readable() {
        return MediaTypes.describe(mediaTypes());
    }

    /** The size limit as a person reads it: {@code 64 MB}, or bytes when it is not a whole number of megabytes. */
    private String limit() {
        return maxDocumentBytes % (1 << 20) == 0 ? (maxDocumentBytes >> 20) + " MB" : maxDocumentBytes + " bytes";
    }

    private static DocumentResult notIngested(String name, String type, Outcome outcome, String reason) {
        return new DocumentResult(name, type, outcome, 0, 0, 0, reason);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
