package dev.caracal.vector.index.ivf.internal;

import dev.caracal.vector.Metric;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The persisted form of an {@link IvfLayout}, so that an index reopens where it was closed instead of retraining
 * and re-reading every vector.
 *
 * <p>File format (big-endian), version {@value #VERSION}:
 * <pre>
 *   int MAGIC, int VERSION,
 *   identity: string type, string metric name, int dimension, int nlist, int nprobe, int pqM, int rerank (build
 *             parameters, 0 = auto), int m (the sub-quantizers in use, 0 for ivf),
 *   int coveredOrdinals,
 *   int exact (1 before the first training),
 *   trained only: int nlist, float[nlist*dim] centroids, double trainMeanDistance, int trainedSize,
 *                 double driftDistanceSum, long driftCount,
 *                 ivf-pq only: float[dim*256] codewords ([m][dim/m][256], see ProductQuantizer),
 *   int lists; per list: int count, int[count] ordinals, then count*dim floats (full vectors: ivf, or any index
 *             before training) or count*m bytes (PQ codes),
 *   int live (total entries, a cross-check),
 *   long CRC32C of everything before it.
 * </pre>
 * Strings are an int byte length and UTF-8 bytes. Only live entries with an ordinal below coveredOrdinals are
 * written. The file is written to a temporary name, forced to the device and renamed over the previous one.
 */
final class IvfPersistence {
    static final int MAGIC = 0x49564678; // "IVFx"
    static final int VERSION = 1;

    /** What a persisted index must have been written for to be reloaded. */
    record Identity(String type, Metric metric, int dim, IvfParams.Build build, int pqM) {}

    /** A reloaded layout and the ordinals it covers. */
    record Loaded(IvfLayout layout, int covered) {}

    /** The file exists and is intact but was written for another metric, dimension or parameters. */
    static final class Mismatch extends Exception {
        Mismatch(String message) {
            super(message);
        }
    }

    private IvfPersistence() {}

    static String fileName(String type) {
        return type + ".index";
    }

    /** Writes {@code layout} atomically as {@code dir/file}. The caller keeps the layout from changing meanwhile. */
    static void save(Path dir, String file, Identity id, IvfLayout layout, int covered) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(file);
        Path tmp = dir.resolve(file + ".tmp");
        Files.deleteIfExists(tmp);
        boolean done = false;
        try {
            try (IvfFile.Writer out = new IvfFile.Writer(tmp)) {
                write(out, id, layout, covered);
                out.finish();
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        syncDirectory(dir);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms cannot open or force a directory; the rename itself is still atomic
        }
    }

    private static void write(IvfFile.Writer out, Identity id, IvfLayout layout, int covered) throws IOException {
        int dim = id.dim();
        out.putInt(MAGIC);
        out.putInt(VERSION);
        out.putString(id.type());
        out.putString(id.metric().name());
        out.putInt(dim);
        out.putInt(id.build().nlist());
        out.putInt(id.build().nprobe());
        out.putInt(id.build().pqM());
        out.putInt(id.build().rerank());
        out.putInt(id.pqM());
        out.putInt(covered);
        out.putInt(layout.exact ? 1 : 0);
        if (!layout.exact) {
            out.putInt(layout.nlist);
            out.putFloats(layout.centroids, 0, layout.nlist * dim);
            out.putDouble(layout.trainMeanDistance);
            out.putInt(layout.trainedSize);
            out.putDouble(layout.newDistance.sum());
            out.putLong(layout.newCount.sum());
            if (id.pqM() > 0) {
                out.putFloats(layout.pq.codewords, 0, layout.pq.codewords.length);
            }
        }
        out.putInt(layout.lists.length);
        long live = 0;
        int[] keep = new int[0];
        for (InvertedList list : layout.lists) {
            list.lock.readLock().lock();
            try {
                if (keep.length < list.size) {
                    keep = new int[list.size];
                }
                int count = 0;
                for (int i = 0; i < list.size; i++) {
                    if (!list.isDead(i) && list.ordinals[i] < covered) {
                        keep[count++] = i;
                    }
                }
                out.putInt(count);
                for (int j = 0; j < count; j++) {
                    out.putInt(list.ordinals[keep[j]]);
                }
                int w = list.width;
                for (int j = 0; j < count; j++) {
                    if (list.floats) {
                        out.putFloats(list.vectors, keep[j] * w, w);
                    } else {
                        out.putBytes(list.codes, keep[j] * w, w);
                    }
                }
                live += count;
            } finally {
                list.lock.readLock().unlock();
            }
        }
        out.putInt((int) live);
    }

    /**
     * Reads {@code file} for an index of identity {@code id} over a source whose ordinals end at {@code maxOrdinal}.
     * Throws {@link Mismatch} when the file is intact-looking but written for something else, {@link IOException}
     * (or a runtime exception) when it is damaged.
     */
    static Loaded load(Path file, Identity id, int maxOrdinal) throws IOException, Mismatch {
        try (IvfFile.Reader in = new IvfFile.Reader(file)) {
            if (in.getInt() != MAGIC) {
                throw new IOException("not an ivf index file");
            }
            int version = in.getInt();
            if (version != VERSION) {
                throw new Mismatch("format version " + version + ", expected " + VERSION);
            }
            String type = in.getString();
            String metric = in.getString();
            int dim = in.getInt();
            IvfParams.Build build = new IvfParams.Build(in.getInt(), in.getInt(), in.getInt(), in.getInt());
            int m = in.getInt();
            Identity found = new Identity(type, metricOrNull(metric), dim, build, m);
            if (!found.equals(id)) {
                throw new Mismatch("written for " + describe(found) + ", the index is now " + describe(id));
            }
            int covered = in.getInt();
            if (covered < 0) {
                throw new IOException("corrupt covered ordinals " + covered);
            }
            if (covered > maxOrdinal) {
                throw new Mismatch("it covers " + covered + " ordinals but the store holds only " + maxOrdinal);
            }
            int exactFlag = in.getInt();
            if (exactFlag != 0 && exactFlag != 1) {
                throw new IOException("corrupt training flag " + exactFlag);
            }
            boolean exact = exactFlag == 1;
            boolean pq = m > 0;
            IvfLayout layout;
            if (exact) {
                layout = null;
            } else {
                int nlist = in.getInt();
                if (nlist < 1 || nlist > IvfParams.MAX_NLIST) {
                    throw new IOException("corrupt nlist " + nlist);
                }
                float[] centroids = new float[in.count((long) nlist * dim, 4, "centroid")];
                in.getFloats(centroids, 0, centroids.length);
                double trainMean = in.getDouble();
                int trainedSize = in.getInt();
                double driftSum = in.getDouble();
                long driftCount = in.getLong();
                ProductQuantizer quantizer = null;
                if (pq) {
                    float[] codewords = new float[in.count((long) ProductQuantizer.KSUB * dim, 4, "codeword")];
                    in.getFloats(codewords, 0, codewords.length);
                    quantizer = ProductQuantizer.ofCodewords(dim, m, codewords);
                }
                InvertedList[] lists = new InvertedList[nlist];
                layout = new IvfLayout(
                        dim,
                        centroids,
                        nlist,
                        lists,
                        quantizer,
                        false,
                        id.metric() == Metric.L2,
                        trainMean,
                        trainedSize);
                layout.newDistance.add(driftSum);
                layout.newCount.add(driftCount);
            }
            int listCount = in.getInt();
            int expectedLists = exact ? 1 : layout.nlist;
            if (listCount != expectedLists) {
                throw new IOException("corrupt list count " + listCount + ", expected " + expectedLists);
            }
            boolean floats = exact || !pq;
            int width = floats ? dim : m;
            InvertedList[] lists = exact ? new InvertedList[1] : layout.lists;
            long total = 0;
            for (int l = 0; l < listCount; l++) {
                int count = in.count(in.getInt(), 4 + (floats ? 4 * width : width), "list entry");
                boolean terms = !exact && layout.terms;
                InvertedList list = new InvertedList(width, floats, terms, count);
                in.getInts(list.ordinals, 0, count);
                if (floats) {
                    in.getFloats(list.vectors, 0, count * width);
                } else {
                    in.getBytes(list.codes, 0, count * width);
                }
                if (terms) { // derived from the codes, so not stored
                    for (int i = 0; i < count; i++) {
                        list.terms[i] = layout.pq.residualTerm(list.codes, i * width, layout.centroids, l * dim);
                    }
                }
                list.size = count;
                lists[l] = list;
                total += count;
            }
            int live = in.getInt();
            in.finish();
            if (live != total) {
                throw new IOException("corrupt entry count " + live + " vs " + total);
            }
            if (exact) {
                layout = new IvfLayout(dim, new float[dim], 1, lists, null, true, 0, 0);
            }
            // ordinal map: every entry below covered, each once
            for (int l = 0; l < lists.length; l++) {
                InvertedList list = lists[l];
                for (int i = 0; i < list.size; i++) {
                    int o = list.ordinals[i];
                    if (o < 0 || o >= covered) {
                        throw new IOException("ordinal " + o + " outside the covered range " + covered);
                    }
                    if (!layout.adopt(o, l)) {
                        throw new IOException("ordinal " + o + " stored twice");
                    }
                }
            }
            return new Loaded(layout, covered);
        }
    }

    private static Metric metricOrNull(String name) {
        for (Metric m : Metric.values()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    private static String describe(Identity id) {
        IvfParams.Build b = id.build();
        return id.type() + " " + (id.metric() == null ? "?" : id.metric().id()) + " dim " + id.dim() + " nlist "
                + auto(b.nlist()) + " nprobe " + auto(b.nprobe())
                + (id.pqM() > 0 ? " pqM " + auto(b.pqM()) + " (m " + id.pqM() + ") rerank " + b.rerank() : "");
    }

    private static String auto(int v) {
        return v == 0 ? IvfParams.AUTO : Integer.toString(v);
    }
}
