package dev.caracal.vector.store.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.store.fs.FilePath;

/**
 * A disk under a test's data directory that runs out of space, breaks its syncs or turns read-only when the test says
 * so, for the MVStore files (through {@link FaultyFilePath}, registered with H2 under the {@code faulty:} scheme),
 * the vector files ({@link FaultyChannel}) and the directory probe. The errors are those Linux gives, in the words
 * the JDK reports them: {@code No space left on device}, {@code Read-only file system}, {@code Input/output error}.
 */
final class FaultyDisk implements FileLayer {
    /** The files a fault can hit. */
    enum Target {
        STORE,
        VECTORS
    }

    static final String SCHEME = "faulty";
    private static final Map<String, FaultyDisk> DISKS = new ConcurrentHashMap<>();

    static {
        FilePath.register(new FaultyFilePath());
    }

    private final Path root;
    private final Set<Target> full = EnumSet.noneOf(Target.class);
    private final Set<Target> brokenSync = EnumSet.noneOf(Target.class);
    private long budget = Long.MAX_VALUE;
    private boolean readOnly;
    private int failedWrites;

    FaultyDisk(Path root) {
        this.root = root.toAbsolutePath().normalize();
        DISKS.put(this.root.toString(), this);
    }

    /** Stops serving paths under the root. */
    void unregister() {
        DISKS.remove(root.toString(), this);
    }

    /** The disk a path is on, or {@code null}. */
    static FaultyDisk of(String path) {
        for (Map.Entry<String, FaultyDisk> e : DISKS.entrySet()) {
            if (path.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    /** No more space for writes to {@code targets} (all of them when none given). */
    synchronized void fill(Target... targets) {
        fillAfter(0, targets);
    }

    /** {@code bytes} more bytes fit for writes to {@code targets} (all when none given); then the disk is full. */
    synchronized void fillAfter(long bytes, Target... targets) {
        full.addAll(targets.length == 0 ? EnumSet.allOf(Target.class) : EnumSet.of(targets[0], targets));
        budget = bytes;
    }

    /** Writes to {@code targets} succeed but syncing them fails (an I/O error). */
    synchronized void breakSync(Target... targets) {
        brokenSync.addAll(EnumSet.of(targets[0], targets));
    }

    synchronized void makeReadOnly() {
        readOnly = true;
    }

    /** Space returns, syncs work, the disk is writable again. */
    synchronized void free() {
        full.clear();
        brokenSync.clear();
        budget = Long.MAX_VALUE;
        readOnly = false;
    }

    /** How many writes failed so far. */
    synchronized int failedWrites() {
        return failedWrites;
    }

    synchronized boolean isReadOnly() {
        return readOnly;
    }

    /** How many of {@code n} bytes fit; when fewer than {@code n}, the write fails after writing them. */
    synchronized int allowWrite(Target target, int n) {
        if (readOnly) {
            failedWrites++;
            return 0;
        }
        if (!full.contains(target)) {
            return n;
        }
        int allowed = (int) Math.min(n, budget);
        budget -= allowed;
        if (allowed < n) {
            failedWrites++;
        }
        return allowed;
    }

    synchronized IOException writeFailure(Target target) {
        return new IOException(readOnly ? "Read-only file system" : "No space left on device");
    }

    synchronized void checkWritable(Target target) throws IOException {
        if (readOnly) {
            throw new IOException("Read-only file system");
        }
    }

    synchronized void checkSync(Target target) throws IOException {
        if (brokenSync.contains(target)) {
            throw new IOException("Input/output error");
        }
        if (full.contains(target) && budget == 0) {
            throw new IOException("No space left on device");
        }
    }

    @Override
    public String storeFileName(Path file) {
        return SCHEME + ":" + file.toAbsolutePath();
    }

    @Override
    public FileChannel openVectorFile(Path file, boolean writable) throws IOException {
        synchronized (this) {
            if (readOnly && writable) {
                throw new FileSystemException(file.toString(), null, "Read-only file system");
            }
        }
        return new FaultyChannel(FileLayer.DISK.openVectorFile(file, writable), this, Target.VECTORS);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        synchronized (this) {
            if (readOnly) {
                throw new FileSystemException(from.toString(), to.toString(), "Read-only file system");
            }
        }
        FileLayer.DISK.rename(from, to);
    }

    @Override
    public void probeWritable(Path directory) throws IOException {
        synchronized (this) {
            if (readOnly) {
                throw new FileSystemException(directory.toString(), null, "Read-only file system");
            }
            if (!full.isEmpty() && budget == 0) {
                throw new IOException("No space left on device");
            }
        }
        FileLayer.DISK.probeWritable(directory);
    }
}
