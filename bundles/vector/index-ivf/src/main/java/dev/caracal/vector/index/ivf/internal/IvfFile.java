package dev.caracal.vector.index.ivf.internal;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Buffered big-endian binary I/O on a file channel with a CRC32C over everything written (or read), stored as a
 * trailing long. Bulk arrays go through byte-buffer views rather than one call per element.
 */
final class IvfFile {
    private static final int BUFFER = 1 << 20;

    private IvfFile() {}

    /** Writes a new file; {@link #finish} appends the checksum and forces the data to the device. */
    static final class Writer implements Closeable {
        private final FileChannel channel;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        private final CRC32C crc = new CRC32C();

        Writer(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) {
                drain();
            }
        }

        private void drain() throws IOException {
            buf.flip();
            crc.update(buf.duplicate());
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            buf.clear();
        }

        void putInt(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void putLong(long v) throws IOException {
            room(8);
            buf.putLong(v);
        }

        void putDouble(double v) throws IOException {
            room(8);
            buf.putDouble(v);
        }

        void putString(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            putInt(b.length);
            putBytes(b, 0, b.length);
        }

        void putBytes(byte[] a, int off, int len) throws IOException {
            while (len > 0) {
                room(1);
                int n = Math.min(len, buf.remaining());
                buf.put(a, off, n);
                off += n;
                len -= n;
            }
        }

        void putFloats(float[] a, int off, int len) throws IOException {
            while (len > 0) {
                room(4);
                int n = Math.min(len, buf.remaining() >> 2);
                buf.asFloatBuffer().put(a, off, n);
                buf.position(buf.position() + 4 * n);
                off += n;
                len -= n;
            }
        }

        void putInts(int[] a, int off, int len) throws IOException {
            while (len > 0) {
                room(4);
                int n = Math.min(len, buf.remaining() >> 2);
                buf.asIntBuffer().put(a, off, n);
                buf.position(buf.position() + 4 * n);
                off += n;
                len -= n;
            }
        }

        /** Writes the checksum of everything before it and forces the file to the device. */
        void finish() throws IOException {
            drain();
            buf.putLong(crc.getValue());
            buf.flip();
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            buf.clear();
            channel.force(true);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Reads a file written by {@link Writer}. Counts are checked against the file size before arrays are allocated,
     * so a corrupted count fails with an {@link IOException} instead of exhausting memory; {@link #finish} verifies
     * that everything was consumed and the checksum matches.
     */
    static final class Reader implements Closeable {
        private final FileChannel channel;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        private final CRC32C crc = new CRC32C();
        private final long payload;
        private long read;

        Reader(Path file) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            payload = channel.size() - 8;
            buf.limit(0);
            if (payload < 0) {
                channel.close();
                throw new EOFException("truncated: " + (payload + 8) + " bytes");
            }
        }

        long payloadBytes() {
            return payload;
        }

        private void need(int n) throws IOException {
            if (buf.remaining() >= n) {
                return;
            }
            buf.compact();
            while (buf.position() < n) {
                long left = payload - read;
                if (left <= 0) {
                    throw new EOFException("truncated");
                }
                int start = buf.position();
                ByteBuffer target = buf.duplicate();
                target.limit((int) Math.min(buf.capacity(), start + left));
                int r = channel.read(target);
                if (r < 0) {
                    throw new EOFException("truncated");
                }
                ByteBuffer fresh = buf.duplicate();
                fresh.position(start).limit(start + r);
                crc.update(fresh);
                buf.position(start + r);
                read += r;
            }
            buf.flip();
        }

        /** Fails unless {@code count} elements of {@code bytes} each can fit in the file. */
        int count(long count, int bytes, String what) throws IOException {
            if (count < 0 || count * bytes > payload) {
                throw new IOException("corrupt " + what + " count " + count);
            }
            return (int) count;
        }

        int getInt() throws IOException {
            need(4);
            return buf.getInt();
        }

        long getLong() throws IOException {
            need(8);
            return buf.getLong();
        }

        double getDouble() throws IOException {
            need(8);
            return buf.getDouble();
        }

        String getString() throws IOException {
            int n = count(getInt(), 1, "string");
            if (n > 1024) {
                throw new IOException("corrupt string length " + n);
            }
            byte[] b = new byte[n];
            getBytes(b, 0, n);
            return new String(b, StandardCharsets.UTF_8);
        }

        void getBytes(byte[] a, int off, int len) throws IOException {
            while (len > 0) {
                need(1);
                int n = Math.min(len, buf.remaining());
                buf.get(a, off, n);
                off += n;
                len -= n;
            }
        }

        void getFloats(float[] a, int off, int len) throws IOException {
            while (len > 0) {
                need(4);
                int n = Math.min(len, buf.remaining() >> 2);
                buf.asFloatBuffer().get(a, off, n);
                buf.position(buf.position() + 4 * n);
                off += n;
                len -= n;
            }
        }

        void getInts(int[] a, int off, int len) throws IOException {
            while (len > 0) {
                need(4);
                int n = Math.min(len, buf.remaining() >> 2);
                buf.asIntBuffer().get(a, off, n);
                buf.position(buf.position() + 4 * n);
                off += n;
                len -= n;
            }
        }

        /** Checks that the whole payload was read and that its checksum matches the stored one. */
        void finish() throws IOException {
            if (buf.hasRemaining() || read != payload) {
                throw new IOException("unexpected trailing data");
            }
            ByteBuffer tail = ByteBuffer.allocate(8);
            while (tail.hasRemaining()) {
                if (channel.read(tail, payload + tail.position()) < 0) {
                    throw new EOFException("truncated checksum");
                }
            }
            long stored = tail.getLong(0);
            if (stored != crc.getValue()) {
                throw new IOException("checksum mismatch");
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
