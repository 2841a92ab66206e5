package dev.caracal.vector.index.hnsw.internal;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.IndexContext;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The persisted graph, {@value #FILE_NAME} in the index directory. Format (big-endian), version 2:
 *
 * <pre>
 *   int MAGIC, int version, UTF metric id, int dimension, UTF build parameters (HnswParams.fingerprint()),
 *   int coveredOrdinals, int limit, long entry, int nodes, then what the scorer writes (VectorScorer.writeHeader:
 *   nothing for float vectors; for int8 whether there is a quantizer, and if so when to retrain it and the quantizer);
 *   per node (ascending ordinal): int ordinal, int level, byte tombstone, the vector (float[dimension] or
 *     byte[dimension] codes), per level 0..level: int count, int[count] neighbours;
 *   long CRC32 of everything before it.
 * </pre>
 *
 * Nodes at or above coveredOrdinals are written as tombstones: the store re-adds those that are live. A file is read
 * only by an index of the same metric, dimension and build parameters, and only whole: every id is range-checked, the
 * checksum must match and nothing may follow it. Callers exclude every other use of the index while they read or
 * write.
 */
final class HnswFile {
    static final String FILE_NAME = "hnsw.graph";
    private static final int MAGIC = 0x48_4E_53_57; // "HNSW"
    private static final int FORMAT_VERSION = 2;
    private static final int BUFFER_BYTES = 1 << 16;

    private final Metric metric;
    private final int dimension;
    private final String fingerprint;
    private final HnswGraph graph;
    private final VectorScorer scorer;

    HnswFile(IndexContext context, HnswParams params, HnswGraph graph, VectorScorer scorer) {
        this.metric = context.metric();
        this.dimension = context.vectors().dimension();
        this.fingerprint = params.fingerprint();
        this.graph = graph;
        this.scorer = scorer;
    }

    /** The graph file in {@code directory}, or null when there is none. */
    static Path existing(Path directory) {
        Path file = directory == null ? null : directory.resolve(FILE_NAME);
        return file == null || !Files.isRegularFile(file) ? null : file;
    }

    // ---------------------------------------------------------------------------------------------------------
    // writing

    /** Writes the graph to {@code directory} (a temporary file first, then moved into place atomically). */
    void write(Path directory, int coveredOrdinals) throws IOException {
        Files.createDirectories(directory);
        Path tmp = directory.resolve(FILE_NAME + ".tmp");
        try (OutputStream raw = Files.newOutputStream(tmp)) {
            CheckedOutputStream checked =
                    new CheckedOutputStream(new BufferedOutputStream(raw, BUFFER_BYTES), new CRC32());
            DataOutputStream out = new DataOutputStream(checked);
            writeGraph(out, coveredOrdinals);
            out.flush();
            long crc = checked.getChecksum().getValue();
            DataOutputStream tail = new DataOutputStream(raw);
            tail.writeLong(crc);
            tail.flush();
        }
        Files.move(
                tmp, directory.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeGraph(DataOutputStream out, int covered) throws IOException {
        GraphPages pages = graph.pages();
        int end = graph.limit();
        int nodes = 0;
        for (int node = 0; node < end; node++) {
            if (pages.levelOf(node) >= 0) {
                nodes++;
            }
        }
        out.writeInt(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeUTF(metric.id());
        out.writeInt(dimension);
        out.writeUTF(fingerprint);
        out.writeInt(covered);
        out.writeInt(end);
        out.writeLong(graph.entry());
        out.writeInt(nodes);
        scorer.writeHeader(out);
        int[] list = new int[graph.maxConnections(0)];
        for (int node = 0; node < end; node++) {
            int level = pages.levelOf(node);
            if (level < 0) {
                continue;
            }
            out.writeInt(node);
            out.writeInt(level);
            out.writeByte(node >= covered || pages.isTombstoned(node) ? 1 : 0);
            scorer.writeVector(out, node);
            for (int l = 0; l <= level; l++) {
                int count = graph.readNeighbours(pages, node, l, list);
                out.writeInt(count);
                for (int i = 0; i < count; i++) {
                    out.writeInt(list[i]);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // reading

    /** Reads {@code file} into the empty graph and scorer; returns its covered ordinals. */
    int read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream raw = Files.newInputStream(file)) {
            CheckedInputStream checked =
                    new CheckedInputStream(new BufferedInputStream(raw, BUFFER_BYTES), new CRC32());
            DataInputStream in = new DataInputStream(checked);
            int covered = readGraph(in, size);
            long computed = checked.getChecksum().getValue();
            long stored = new DataInputStream(checked).readLong();
            if (stored != computed) {
                throw new IOException("checksum mismatch");
            }
            if (checked.read() >= 0) {
                throw new IOException("trailing bytes after the checksum");
            }
            return covered;
        }
    }

    private int readGraph(DataInputStream in, long fileSize) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not an hnsw graph file");
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException(
                    "unsupported format version " + version + " (this version reads " + FORMAT_VERSION + ")");
        }
        String fileMetric = in.readUTF();
        int fileDimension = in.readInt();
        String fileParams = in.readUTF();
        if (!fileMetric.equals(metric.id()) || fileDimension != dimension || !fileParams.equals(fingerprint)) {
            throw new IOException("written for metric " + fileMetric + ", dimension " + fileDimension
                    + ", parameters {" + fileParams + "}; this index has " + metric.id() + ", " + dimension + ", {"
                    + fingerprint + "}");
        }
        int covered = in.readInt();
        int end = in.readInt();
        long entry = in.readLong();
        int nodes = in.readInt();
        long minNodeBytes = scorer.fileBytesPerVector() + 13;
        if (covered < 0 || end < 0 || nodes < 0 || nodes > end || (long) nodes * minNodeBytes > fileSize) {
            throw new IOException("corrupt header");
        }
        scorer.readHeader(in, nodes);
        int[] list = new int[graph.maxConnections(0)];
        int previous = -1;
        for (int i = 0; i < nodes; i++) {
            int node = in.readInt();
            int level = in.readInt();
            byte tombstone = in.readByte();
            if (node <= previous
                    || node >= end
                    || level < 0
                    || level > HnswGraph.MAX_LEVEL
                    || (tombstone != 0 && tombstone != 1)) {
                throw new IOException("corrupt node record at " + i);
            }
            previous = node;
            readNode(in, node, level, tombstone != 0, end, list);
        }
        if (nodes > 0
                && (entry < 0 || graph.pages().levelOf(HnswGraph.entryNode(entry)) != HnswGraph.entryLevel(entry))) {
            throw new IOException("corrupt entry point");
        }
        graph.restore(end, nodes == 0 ? -1 : entry);
        return covered;
    }

    /** Reads the vector and the neighbour lists of {@code node}, whose record header has been read. */
    private void readNode(DataInputStream in, int node, int level, boolean tombstoned, int end, int[] list)
            throws IOException {
        scorer.ensurePage(node); // the vector page first, as for an insert
        graph.ensurePage(node);
        GraphPages pages = graph.pages();
        graph.restore(pages, node, level, tombstoned);
        scorer.readVector(in, node);
        for (int l = 0; l <= level; l++) {
            int count = in.readInt();
            if (count < 0 || count > graph.maxConnections(l)) {
                throw new IOException("corrupt neighbour list of node " + node);
            }
            for (int j = 0; j < count; j++) {
                int neighbour = in.readInt();
                if (neighbour < 0 || neighbour >= end) {
                    throw new IOException("corrupt neighbour of node " + node);
                }
                list[j] = neighbour;
            }
            graph.writeNeighbours(pages, node, l, list, count);
        }
    }
}
