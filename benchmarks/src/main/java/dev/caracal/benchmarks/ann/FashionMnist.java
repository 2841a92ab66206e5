package dev.caracal.benchmarks.ann;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads Fashion-MNIST as the Debian package {@code dataset-fashion-mnist} installs it
 * ({@code /usr/share/datasets/fashion-mnist/*-idx3-ubyte.gz}): IDX files, a big-endian header (magic 0x00000803,
 * count, rows, cols) followed by unsigned bytes. Pixels become floats 0..255 (L2 metric).
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private FashionMnist() {}

    /** The first {@code limit} base vectors (of 60,000). */
    public static float[][] train(Path dir, int limit) throws IOException {
        return read(dir.resolve("train-images-idx3-ubyte.gz"), limit);
    }

    /** The first {@code limit} query vectors (of 10,000). */
    public static float[][] test(Path dir, int limit) throws IOException {
        return read(dir.resolve("t10k-images-idx3-ubyte.gz"), limit);
    }

    static float[][] read(Path file, int limit) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + " not found; install it with: apt-get install dataset-fashion-mnist");
        }
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(
                        file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16))) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IOException(
                        file + ": not an IDX3 unsigned-byte file (magic " + Integer.toHexString(magic) + ")");
            }
            int count = in.readInt();
            int dim = in.readInt() * in.readInt();
            int n = Math.min(count, limit);
            float[][] out = new float[n][dim];
            byte[] row = new byte[dim];
            for (int i = 0; i < n; i++) {
                in.readFully(row);
                for (int d = 0; d < dim; d++) {
                    out[i][d] = row[d] & 0xff;
                }
            }
            return out;
        }
    }
}
