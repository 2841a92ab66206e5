package dev.caracal.benchmarks.ann;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The vector files the native peers read: a 16-byte header (ASCII {@code CVF1}, int32 count, int32 dimension, int32
 * 0), then count x dimension float32, all little endian. Written once per data set; the drivers map them.
 */
final class VectorFile {
    private VectorFile() {}

    static void write(Path file, float[][] vectors) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        int dim = vectors[0].length;
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            header.put((byte) 'C').put((byte) 'V').put((byte) 'F').put((byte) '1');
            header.putInt(vectors.length).putInt(dim).putInt(0).flip();
            ch.write(header);
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] v : vectors) {
                if (buf.remaining() < dim * 4) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    buf.clear();
                }
                for (float x : v) {
                    buf.putFloat(x);
                }
            }
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }
}
