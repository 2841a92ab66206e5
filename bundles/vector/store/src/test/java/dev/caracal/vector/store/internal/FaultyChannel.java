package dev.caracal.vector.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel that fails its writes and syncs as its {@link FaultyDisk} says: writes go through until the disk's
 * space runs out (the write that crosses the limit writes what fits, then fails, as a full disk does), syncs fail
 * while the disk is full or its syncs are broken, and every write fails on a read-only disk. Reads always work.
 */
final class FaultyChannel extends FileChannel {
    private final FileChannel base;
    private final FaultyDisk disk;
    private final FaultyDisk.Target target;

    FaultyChannel(FileChannel base, FaultyDisk disk, FaultyDisk.Target target) {
        this.base = base;
        this.disk = disk;
        this.target = target;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return base.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return base.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return base.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int allowed = disk.allowWrite(target, src.remaining());
        if (allowed == src.remaining()) {
            return base.write(src);
        }
        ByteBuffer part = src.slice().limit(allowed);
        base.write(part);
        src.position(src.position() + allowed);
        throw disk.writeFailure(target);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += write(srcs[i]);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        int allowed = disk.allowWrite(target, src.remaining());
        if (allowed == src.remaining()) {
            return base.write(src, position);
        }
        ByteBuffer part = src.slice().limit(allowed);
        base.write(part, position);
        src.position(src.position() + allowed);
        throw disk.writeFailure(target);
    }

    @Override
    public long position() throws IOException {
        return base.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        base.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return base.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        disk.checkWritable(target);
        base.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        disk.checkSync(target);
        base.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return base.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        throw new UnsupportedOperationException("not used by the store");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        throw new UnsupportedOperationException("not used by the store");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return base.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return base.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        base.close();
    }
}
