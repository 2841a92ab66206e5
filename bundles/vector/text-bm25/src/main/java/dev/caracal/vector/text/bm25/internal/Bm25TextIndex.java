package dev.caracal.vector.text.bm25.internal;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.text.TextIndex;
import dev.caracal.vector.text.TextIndexContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NRTCachingDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One collection's BM25 text index: a Lucene index with one document per ordinal (the ordinal as an int point, for
 * deletes, and as numeric doc values, to read it back; the text analysed, not stored). Writes go straight to the
 * {@link IndexWriter}; searches use near-real-time readers from a {@link SearcherManager}, refreshed only when there
 * were writes since the last refresh. The directory is an {@link FSDirectory} (memory-mapped on 64-bit JVMs) behind an
 * {@link NRTCachingDirectory}, so the small segments each refresh flushes stay in memory until merged or committed.
 * Only {@link #persist} commits (commit-on-close is off), with commit user data recording the covered ordinals and
 * the settings, so the last commit is always one the store asked for.
 */
final class Bm25TextIndex implements TextIndex {
    static final String FIELD_ORDINAL = "ord";
    static final String FIELD_TEXT = "text";

    /** Commit user data keys. */
    static final String KEY_FORMAT = "caracal.text.format";

    static final String KEY_COVERED = "caracal.text.coveredOrdinals";
    static final String KEY_ANALYZER = "caracal.text.analyzer";
    static final String KEY_K1 = "caracal.text.bm25.k1";
    static final String KEY_B = "caracal.text.bm25.b";
    /** Bump when the document layout changes: older indexes are then rebuilt instead of resumed. */
    static final String FORMAT = "1";

    /** Distinct query terms at most (a BooleanQuery holds at most 1024 clauses by default). */
    static final int MAX_QUERY_TERMS = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(Bm25TextIndex.class);
    private static final ScoredOrdinals EMPTY = new ScoredOrdinals(new int[0], new float[0]);

    /** Text: term frequencies and norms for BM25, no positions (no phrase queries), not stored. */
    private static final FieldType TEXT_TYPE = new FieldType();

    static {
        TEXT_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
        TEXT_TYPE.setTokenized(true);
        TEXT_TYPE.setStored(false);
        TEXT_TYPE.setOmitNorms(false);
        TEXT_TYPE.freeze();
    }

    private final String collection;
    private final Bm25Settings settings;
    private final Analyzer analyzer;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final int restoredOrdinals;

    /** Completed adds and removes; the searcher is fresh when {@link #refreshedWrites} caught up with it. */
    private final AtomicLong writes = new AtomicLong();

    private final AtomicLong refreshedWrites = new AtomicLong();
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final Object persistLock = new Object();
    private volatile boolean closed;

    private Bm25TextIndex(
            String collection,
            Bm25Settings settings,
            Analyzer analyzer,
            Directory directory,
            IndexWriter writer,
            SearcherManager searchers,
            int restoredOrdinals) {
        this.collection = collection;
        this.settings = settings;
        this.analyzer = analyzer;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.restoredOrdinals = restoredOrdinals;
    }

    /**
     * Opens the index in {@code context.directory()}: resumes the last commit when it was written by this format with
     * the same settings and opens cleanly; otherwise wipes the directory and starts empty.
     */
    static Bm25TextIndex open(TextIndexContext context, Bm25Settings settings) {
        Path path = context.directory();
        String name = context.collection();
        Analyzer analyzer = settings.newAnalyzer();
        Directory directory = null;
        try {
            Files.createDirectories(path);
            directory = new NRTCachingDirectory(FSDirectory.open(path), 4.0, 32.0);
            String reason;
            boolean corrupt = false;
            boolean hadFiles = false;
            int covered = 0;
            // Hold the write lock while deciding and wiping: never wipe an index another writer has open.
            try (Lock lock = directory.obtainLock(IndexWriter.WRITE_LOCK_NAME)) {
                Map<String, String> data = null;
                try {
                    if (!DirectoryReader.indexExists(directory)) {
                        reason = "no commit";
                    } else {
                        data = SegmentInfos.readLatestCommit(directory).getUserData();
                        reason = mismatch(data, settings);
                    }
                } catch (IOException | RuntimeException e) {
                    reason = "last commit unreadable (" + e + ")";
                    corrupt = true;
                    LOG.debug("Text index of collection {}: last commit unreadable", name, e);
                }
                if (reason == null) {
                    covered = Integer.parseInt(data.get(KEY_COVERED));
                } else {
                    hadFiles = hasFiles(path);
                    wipe(path);
                }
            }
            IndexWriter writer = null;
            if (reason == null) {
                SearcherManager searchers = null;
                try {
                    writer = new IndexWriter(
                            directory, writerConfig(analyzer, settings, IndexWriterConfig.OpenMode.APPEND));
                    // Ordinals at or above the covered mark are not part of the resumed state: the store adds them
                    // again, so drop any the commit happens to hold.
                    writer.deleteDocuments(IntPoint.newRangeQuery(FIELD_ORDINAL, covered, Integer.MAX_VALUE));
                    searchers = new SearcherManager(writer, true, false, searcherFactory(settings));
                    int docs = verify(searchers);
                    LOG.info(
                            "Text index of collection {}: resumed {} documents covering ordinals below {} ({})",
                            name,
                            docs,
                            covered,
                            settings);
                    return new Bm25TextIndex(name, settings, analyzer, directory, writer, searchers, covered);
                } catch (LockObtainFailedException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    LOG.warn(
                            "Text index of collection {}: not resuming, persisted index does not open ({}); starting"
                                    + " empty",
                            name,
                            e.toString());
                    LOG.debug("Text index of collection {}: open failure", name, e);
                    closeQuietly(searchers);
                    closeQuietly(writer);
                    try (Lock lock = directory.obtainLock(IndexWriter.WRITE_LOCK_NAME)) {
                        wipe(path);
                    }
                }
            } else if (corrupt) {
                LOG.warn("Text index of collection {}: not resuming, {}; starting empty", name, reason);
            } else if (!"no commit".equals(reason) || hadFiles) {
                LOG.info("Text index of collection {}: not resuming, {}; starting empty", name, reason);
            } else {
                LOG.debug("Text index of collection {}: starting empty", name);
            }
            writer = new IndexWriter(directory, writerConfig(analyzer, settings, IndexWriterConfig.OpenMode.CREATE));
            SearcherManager searchers = new SearcherManager(writer, true, false, searcherFactory(settings));
            return new Bm25TextIndex(name, settings, analyzer, directory, writer, searchers, 0);
        } catch (IOException e) {
            closeQuietly(directory);
            analyzer.close();
            throw new UncheckedIOException("cannot open the text index of collection " + name + " in " + path, e);
        } catch (RuntimeException e) {
            closeQuietly(directory);
            analyzer.close();
            throw e;
        }
    }

    /**
     * Verifies the checksums of every file of the resumed index (one sequential read of it; a corrupt file throws
     * {@link org.apache.lucene.index.CorruptIndexException}) and returns how many documents it holds.
     */
    private static int verify(SearcherManager searchers) throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                leaf.reader().checkIntegrity();
            }
            return searcher.getIndexReader().numDocs();
        } finally {
            searchers.release(searcher);
        }
    }

    /** Why the commit user data {@code data} cannot be resumed with {@code settings}, or null when it can. */
    static String mismatch(Map<String, String> data, Bm25Settings settings) {
        if (!FORMAT.equals(data.get(KEY_FORMAT))) {
            return "commit format " + data.get(KEY_FORMAT) + ", expected " + FORMAT;
        }
        if (!settings.analyzer().equals(data.get(KEY_ANALYZER))) {
            return "analyzer " + data.get(KEY_ANALYZER) + " differs from " + settings.analyzer();
        }
        if (!Float.toString(settings.k1()).equals(data.get(KEY_K1))) {
            return "k1 " + data.get(KEY_K1) + " differs from " + settings.k1();
        }
        if (!Float.toString(settings.b()).equals(data.get(KEY_B))) {
            return "b " + data.get(KEY_B) + " differs from " + settings.b();
        }
        try {
            if (Integer.parseInt(data.get(KEY_COVERED)) < 0) {
                return "negative covered ordinals";
            }
        } catch (NumberFormatException e) {
            return "covered ordinals " + data.get(KEY_COVERED) + " unreadable";
        }
        return null;
    }

    private static IndexWriterConfig writerConfig(
            Analyzer analyzer, Bm25Settings settings, IndexWriterConfig.OpenMode mode) {
        IndexWriterConfig config = new IndexWriterConfig(analyzer);
        config.setOpenMode(mode);
        config.setCommitOnClose(false);
        config.setSimilarity(new BM25Similarity(settings.k1(), settings.b()));
        return config;
    }

    private static SearcherFactory searcherFactory(Bm25Settings settings) {
        BM25Similarity similarity = new BM25Similarity(settings.k1(), settings.b());
        return new SearcherFactory() {
            @Override
            public IndexSearcher newSearcher(
                    org.apache.lucene.index.IndexReader reader, org.apache.lucene.index.IndexReader previousReader) {
                IndexSearcher searcher = new IndexSearcher(reader);
                searcher.setSimilarity(similarity);
                return searcher;
            }
        };
    }

    /** Deletes everything in {@code dir} but the write lock (held by the caller). */
    private static void wipe(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (!entry.getFileName().toString().equals(IndexWriter.WRITE_LOCK_NAME)) {
                    deleteRecursively(entry);
                }
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> entries = Files.list(path)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    deleteRecursively(entry);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.anyMatch(p -> !p.getFileName().toString().equals(IndexWriter.WRITE_LOCK_NAME));
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Ignoring failure to close {}", closeable, e);
            }
        }
    }

    @Override
    public void add(int ordinal, String text) {
        Document doc = new Document();
        doc.add(new IntPoint(FIELD_ORDINAL, ordinal));
        doc.add(new NumericDocValuesField(FIELD_ORDINAL, ordinal));
        doc.add(new Field(FIELD_TEXT, text == null ? "" : text, TEXT_TYPE));
        try {
            writer.addDocument(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot index ordinal " + ordinal + " of collection " + collection, e);
        }
        writes.incrementAndGet();
    }

    @Override
    public void remove(int ordinal) {
        try {
            writer.deleteDocuments(IntPoint.newExactQuery(FIELD_ORDINAL, ordinal));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove ordinal " + ordinal + " of collection " + collection, e);
        }
        writes.incrementAndGet();
    }

    @Override
    public ScoredOrdinals search(String query, int k, OrdinalFilter filter) {
        if (k <= 0 || query == null) {
            return EMPTY;
        }
        Query q = toQuery(query);
        if (q == null) {
            return EMPTY;
        }
        try {
            IndexSearcher searcher = acquire();
            try {
                int limit = Math.min(k, Math.max(1, searcher.getIndexReader().maxDoc()));
                return searcher.search(q, new TopOrdinalsCollectorManager(limit, filter));
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("text search failed in collection " + collection, e);
        }
    }

    /**
     * The query as a disjunction of its analysed terms (a term that occurs n times gets boost n, as n clauses would),
     * or null when it has none. Text is only ever tokenized, never parsed: quotes, brackets and operators are
     * ordinary characters.
     */
    Query toQuery(String text) {
        Map<String, Integer> terms = new LinkedHashMap<>();
        try (TokenStream stream = analyzer.tokenStream(FIELD_TEXT, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                String t = term.toString();
                if (terms.size() < MAX_QUERY_TERMS || terms.containsKey(t)) {
                    terms.merge(t, 1, Integer::sum);
                }
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a String reader
        }
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        for (Map.Entry<String, Integer> e : terms.entrySet()) {
            Query tq = new TermQuery(new Term(FIELD_TEXT, e.getKey()));
            builder.add(e.getValue() == 1 ? tq : new BoostQuery(tq, e.getValue()), BooleanClause.Occur.SHOULD);
        }
        return builder.build();
    }

    /**
     * A searcher that sees every add and remove that returned before this call. Refreshes only when there were
     * writes since the last refresh, and concurrent searches share one refresh: a refresh that starts after the
     * writes a search waits for covers them.
     */
    private IndexSearcher acquire() throws IOException {
        long target = writes.get();
        if (refreshedWrites.get() < target) {
            refreshLock.lock();
            try {
                if (refreshedWrites.get() < target) {
                    long covered = writes.get(); // every write counted here is in the reader opened next
                    searchers.maybeRefreshBlocking();
                    refreshedWrites.set(covered);
                }
            } finally {
                refreshLock.unlock();
            }
        }
        return searchers.acquire();
    }

    @Override
    public int size() {
        try {
            IndexSearcher searcher = acquire();
            try {
                return searcher.getIndexReader().numDocs();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long sizeBytes() {
        long bytes = writer.ramBytesUsed();
        try {
            for (String file : directory.listAll()) {
                try {
                    bytes += directory.fileLength(file);
                } catch (NoSuchFileException | java.io.FileNotFoundException e) {
                    // merged away meanwhile
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot list the text index files of collection {}", collection, e);
        }
        return bytes;
    }

    @Override
    public void persist(int coveredOrdinals) {
        if (coveredOrdinals < 0) {
            throw new IllegalArgumentException("coveredOrdinals < 0: " + coveredOrdinals);
        }
        Map<String, String> data = new HashMap<>();
        data.put(KEY_FORMAT, FORMAT);
        data.put(KEY_COVERED, Integer.toString(coveredOrdinals));
        data.put(KEY_ANALYZER, settings.analyzer());
        data.put(KEY_K1, Float.toString(settings.k1()));
        data.put(KEY_B, Float.toString(settings.b()));
        synchronized (persistLock) {
            try {
                writer.setLiveCommitData(data.entrySet(), true);
                writer.commit();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot persist the text index of collection " + collection, e);
            }
        }
    }

    @Override
    public int restoredOrdinals() {
        return restoredOrdinals;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(searchers);
        closeQuietly(writer); // commitOnClose=false: rolls back to the last persist
        closeQuietly(directory);
        analyzer.close();
    }

    /** Best-first order: higher score, then lower doc id (Lucene's own tie-break). */
    static final Comparator<Hit> BEST_FIRST =
            Comparator.comparingDouble((Hit h) -> -h.score).thenComparingInt(h -> h.doc);

    record Hit(int doc, int ordinal, float score) {}

    static ScoredOrdinals toScoredOrdinals(List<Hit> hits) {
        int[] ordinals = new int[hits.size()];
        float[] scores = new float[hits.size()];
        for (int i = 0; i < hits.size(); i++) {
            ordinals[i] = hits.get(i).ordinal();
            scores[i] = hits.get(i).score();
        }
        return new ScoredOrdinals(ordinals, scores);
    }

    static List<Hit> mergeTop(List<List<Hit>> parts, int k) {
        List<Hit> all = new ArrayList<>();
        parts.forEach(all::addAll);
        all.sort(BEST_FIRST);
        return all.size() > k ? all.subList(0, k) : all;
    }
}
