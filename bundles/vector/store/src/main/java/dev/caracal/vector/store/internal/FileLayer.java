package dev.caracal.vector.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * How the store reaches the files it writes: the MVStore file of a collection (by the file name H2 opens), its vector
 * file (a channel), and the probe that proves a directory takes new data. {@link #DISK} is the real file system; tests
 * put a layer in between that runs out of space or turns read-only on demand.
 */
interface FileLayer {
    /** The local file system. */
    FileLayer DISK = new FileLayer() {
        @Override
        public String storeFileName(Path file) {
            return file.toString();
        }

        @Override
        public FileChannel openVectorFile(Path file, boolean writable) throws IOException {
            return writable
                    ? FileChannel.open(
                            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(file, StandardOpenOption.READ);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void probeWritable(Path directory) throws IOException {
            // a dot-file: a probe left behind by a crash is removed at the next start like any other leftover
            Path probe = directory.resolve(".probe-" + System.nanoTime());
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {1}));
                ch.force(false);
            } finally {
                Files.deleteIfExists(probe);
            }
        }
    };

    /** The name H2 opens the MVStore file {@code file} by (a {@code FilePath}, with a scheme prefix if any). */
    String storeFileName(Path file);

    /**
     * Opens a vector file: for reading and writing (created if needed) when {@code writable}, otherwise an existing
     * one for reading only (a collection served from a directory that does not take writes).
     */
    FileChannel openVectorFile(Path file, boolean writable) throws IOException;

    /** Renames a file or directory atomically (a create or a drop of a collection). */
    void rename(Path from, Path to) throws IOException;

    /** Creates, writes, syncs and deletes a small file in {@code directory}; throws when it cannot. */
    void probeWritable(Path directory) throws IOException;
}
