package dev.caracal.vector.store.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * CRC32C of a vector's bytes as stored in the vector file (float32 little-endian). Kept in each record's payload so a
 * vector that did not reach the disk before a crash is recognized when the collection is loaded.
 */
final class VectorChecksum {
    private static final ThreadLocal<ByteBuffer> BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocate(4 * 1024).order(ByteOrder.LITTLE_ENDIAN));

    private VectorChecksum() {}

    static int of(float[] vector, int offset, int length) {
        ByteBuffer b = BUFFER.get();
        if (b.capacity() < length * 4) {
            b = ByteBuffer.allocate(length * 4).order(ByteOrder.LITTLE_ENDIAN);
            BUFFER.set(b);
        }
        b.clear();
        b.asFloatBuffer().put(vector, offset, length);
        b.limit(length * 4);
        CRC32C crc = new CRC32C();
        crc.update(b);
        return (int) crc.getValue();
    }

    static int of(float[] vector) {
        return of(vector, 0, vector.length);
    }
}
