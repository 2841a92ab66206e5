package dev.caracal.benchmarks.ann;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene 9.12 HNSW (float, or 7-bit scalar quantized) in one segment of an FSDirectory: one document per vector with
 * an int field {@code label} for filtered search; queried with {@link KnnFloatVectorQuery}(field, q, numCandidates)
 * and the top k taken. Documents are added in order into one segment, so doc id == ordinal.
 */
final class LuceneContender implements Contender {
    private final String name;
    private final boolean quantized;
    private final int m;
    private final int beamWidth;
    private final Path dir;
    private final int[] knobs;
    private final int[] labels;
    private final VectorSimilarityFunction similarity;
    private Directory directory;
    private DirectoryReader reader;
    private IndexSearcher searcher;
    private long bytes;
    private long hotBytes;

    /** {@code cosine}: the vectors are unit length and compared with DOT_PRODUCT (= cosine on them); else EUCLIDEAN. */
    LuceneContender(
            String name, boolean quantized, int m, int beamWidth, Path dir, int[] knobs, int[] labels, boolean cosine) {
        this.name = name;
        this.similarity = cosine ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.EUCLIDEAN;
        this.quantized = quantized;
        this.m = m;
        this.beamWidth = beamWidth;
        this.dir = dir;
        this.knobs = knobs;
        this.labels = labels;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String knobName() {
        return "numCandidates";
    }

    @Override
    public int[] knobs() {
        return knobs;
    }

    @Override
    public void build(float[][] base) throws Exception {
        KnnVectorsFormat format = quantized
                ? new Lucene99HnswScalarQuantizedVectorsFormat(m, beamWidth, 1, 7, false, null, null)
                : new Lucene99HnswVectorsFormat(m, beamWidth);
        IndexWriterConfig iwc = new IndexWriterConfig()
                .setCodec(new Lucene912Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return format;
                    }
                })
                .setUseCompoundFile(false)
                .setRAMBufferSizeMB(1800);
        Files.createDirectories(dir);
        directory = FSDirectory.open(dir);
        try (IndexWriter w = new IndexWriter(directory, iwc)) {
            for (int i = 0; i < base.length; i++) {
                Document doc = new Document();
                doc.add(new KnnFloatVectorField("v", base[i], similarity));
                doc.add(new IntField("label", labels[i], Field.Store.NO));
                w.addDocument(doc);
            }
            w.forceMerge(1);
            w.commit();
        }
        reader = DirectoryReader.open(directory);
        if (reader.leaves().size() != 1) {
            throw new IllegalStateException(
                    "expected one segment, got " + reader.leaves().size());
        }
        searcher = new IndexSearcher(reader);
        searcher.setQueryCache(null);
        for (String f : directory.listAll()) {
            String ext = f.substring(f.lastIndexOf('.') + 1);
            if (ext.startsWith("ve")) { // vec, vex, vem, veq, vemq, vemf: vectors, graph, metadata
                long len = directory.fileLength(f);
                bytes += len;
                if (!(quantized && ext.equals("vec"))) {
                    hotBytes += len;
                }
            }
        }
    }

    @Override
    public int[] search(float[] query, int k, int knob, BitSet filter, int filterCount) throws IOException {
        Query fq = null;
        if (filter != null) {
            // the benchmark's filters are label ranges [0, maxLabel]
            fq = IntField.newRangeQuery("label", 0, filterCount < labels.length / 20 ? 0 : 9);
        }
        TopDocs td = searcher.search(new KnnFloatVectorQuery("v", query, Math.max(k, knob), fq), k);
        int[] out = new int[td.scoreDocs.length];
        int i = 0;
        for (ScoreDoc sd : td.scoreDocs) {
            out[i++] = sd.doc;
        }
        return out;
    }

    @Override
    public boolean supportsFilter() {
        return true;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public long hotBytes() {
        return hotBytes;
    }

    @Override
    public String note() {
        return similarity + "; bytes = on-disk .vec/.vex/.vem"
                + (quantized ? "/.veq/.vemq (hot = without the float .vec)" : "")
                + "; single-threaded IndexWriter, one segment";
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
        if (directory != null) {
            directory.close();
        }
    }
}
