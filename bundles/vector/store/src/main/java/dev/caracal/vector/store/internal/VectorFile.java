package dev.caracal.vector.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A collection's vectors on disk ({@code vectors.f32}): float32 little-endian, one fixed slot of
 * {@code dimension * 4} bytes per ordinal at {@code ordinal * dimension * 4}. Slots are written once (ordinals are
 * never reused) and fsynced before the MVStore commit that makes their records exist, so a committed record's vector
 * is always on disk; slots past the last committed ordinal may hold garbage from a batch that never committed and are
 * overwritten when those ordinals are assigned again.
 */
final class VectorFile implements AutoCloseable {
    static final String NAME = "vectors.f32";
    private final FileChannel channel;
    private final int dimension;
    private final int slotBytes;

    /** Opens (creating it if needed) the vector file {@code file} through {@code layer}, for reading and writing. */
    VectorFile(FileLayer layer, Path file, int dimension) throws IOException {
        this(layer, file, dimension, true);
    }

    /** Opens the vector file {@code file} through {@code layer}; an existing one read-only unless {@code writable}. */
    VectorFile(FileLayer layer, Path file, int dimension, boolean writable) throws IOException {
        this.channel = layer.openVectorFile(file, writable);
        this.dimension = dimension;
        this.slotBytes = dimension * 4;
    }

    /** Writes {@code count} vectors to the consecutive slots starting at {@code firstOrdinal}. Thread-safe. */
    void write(int firstOrdinal, float[][] vectors, int count) throws IOException {
        int perChunk = Math.max(1, (4 << 20) / slotBytes); // at most ~4 MB per write
        for (int from = 0; from < count; from += perChunk) {
            int n = Math.min(perChunk, count - from);
            ByteBuffer buffer = ByteBuffer.allocate(n * slotBytes).order(ByteOrder.LITTLE_ENDIAN);
            var floats = buffer.asFloatBuffer();
            for (int i = 0; i < n; i++) {
                floats.put(vectors[from + i], 0, dimension);
            }
            long position = (long) (firstOrdinal + from) * slotBytes;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
        }
    }

    /**
     * Reads the slots {@code [firstOrdinal, firstOrdinal + count)} into {@code target} at {@code offset}; returns
     * how many whole slots the file held.
     */
    int read(int firstOrdinal, int count, float[] target, int offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count * slotBytes).order(ByteOrder.LITTLE_ENDIAN);
        long position = (long) firstOrdinal * slotBytes;
        while (buffer.hasRemaining()) {
            int r = channel.read(buffer, position + buffer.position());
            if (r < 0) {
                break;
            }
        }
        int slots = buffer.position() / slotBytes;
        buffer.flip();
        buffer.asFloatBuffer().get(target, offset, slots * dimension);
        return slots;
    }

    /** Makes every vector written so far durable. */
    void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
