package dev.caracal.vector.store.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's view of a {@link FaultyDisk}: {@code faulty:/path} is {@code /path} on the local disk, opened through a
 * {@link FaultyChannel}. H2 creates instances by reflection, so the disk is found by path.
 */
public final class FaultyFilePath extends FilePathWrapper {
    @Override
    public String getScheme() {
        return FaultyDisk.SCHEME;
    }

    private FaultyDisk disk() {
        FaultyDisk disk = FaultyDisk.of(getBase().toString());
        if (disk == null) {
            throw new IllegalStateException("no faulty disk holds " + getBase());
        }
        return disk;
    }

    @Override
    public boolean canWrite() {
        return !disk().isReadOnly() && super.canWrite();
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        FaultyDisk disk = disk();
        if (!mode.equals("r") && disk.isReadOnly()) {
            throw new IOException("Read-only file system");
        }
        return new FaultyChannel(getBase().open(mode), disk, FaultyDisk.Target.STORE);
    }
}
