package dev.caracal.vector.store.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.h2.mvstore.Page;

/**
 * The in-memory side of a collection, by ordinal: vectors exactly as stored, in large contiguous float pages (no
 * object per vector); for cosine collections the inverse norm of each vector (a cosine score is then
 * {@code dot(unitQuery, v) * invNorm[v]}, one multiply more than a dot product, and the user's vector is kept as
 * given); the epoch at which each ordinal died (0 = live); the parsed metadata filters read; and the id of each
 * record without text, so a search hit needs no read of the record's payload (a record with text has none here: its
 * hit reads the payload for the text, and the id with it).
 *
 * <p>Only the publisher (holding the collection's publish lock) mutates it; readers go through {@link Snapshot}s.
 */
final class VectorTable {
    /** Death epoch of ordinals never published (or not live at load): dead for every reader. */
    static final long NEVER = 1L;

    final int dimension;
    final int pageShift;
    final int pageSize;
    final boolean cosine;
    private float[][] vectors = new float[8][];
    private float[][] invNorms = new float[8][];
    private long[][] deaths = new long[8][];
    private Object[][] metadata = new Object[8][];
    private String[][] hitIds = new String[8][];

    VectorTable(int dimension, boolean cosine) {
        this.dimension = dimension;
        this.cosine = cosine;
        // about 4 MB of floats per page, between 1 and 65536 vectors, a power of two
        int perPage = Integer.highestOneBit(Math.max(1, Math.min(65_536, (1 << 20) / dimension)));
        this.pageSize = perPage;
        this.pageShift = Integer.numberOfTrailingZeros(perPage);
    }

    /** Stores a live record at {@code ordinal}; {@code hitId} is its id if it has no text, else null. */
    void put(int ordinal, float[] vector, Map<String, Object> meta, String hitId) {
        int page = ordinal >>> pageShift;
        int slot = ordinal & (pageSize - 1);
        ensurePage(page);
        System.arraycopy(vector, 0, vectors[page], slot * dimension, dimension);
        if (cosine) {
            invNorms[page][slot] = inverseNorm(vectors[page], slot * dimension, dimension);
        }
        metadata[page][slot] = meta == null || meta.isEmpty() ? Map.of() : meta;
        hitIds[page][slot] = hitId;
        deaths[page][slot] = 0L;
    }

    /** Marks a loaded record live (see {@link #put}); its vector is read afterwards by {@link #loadVectors}. */
    void putLoaded(int ordinal, Map<String, Object> meta, String hitId) {
        int page = ordinal >>> pageShift;
        int slot = ordinal & (pageSize - 1);
        ensurePage(page);
        metadata[page][slot] = meta == null || meta.isEmpty() ? Map.of() : meta;
        hitIds[page][slot] = hitId;
        deaths[page][slot] = 0L;
    }

    /** Reads the vectors of every page holding a loaded record from the vector file, up to {@code maxOrdinal}. */
    void loadVectors(VectorFile file, int maxOrdinal) throws IOException {
        for (int page = 0; page < vectors.length; page++) {
            if (vectors[page] == null) {
                continue;
            }
            int first = page << pageShift;
            int count = Math.min(pageSize, maxOrdinal - first);
            if (count > 0) {
                int read = file.read(first, count, vectors[page], 0);
                for (int slot = read; slot < count; slot++) {
                    if (deaths[page][slot] == 0L) {
                        // the file ends before this record's slot: its vector never reached the disk
                        Arrays.fill(vectors[page], slot * dimension, (slot + 1) * dimension, Float.NaN);
                    }
                }
            }
        }
    }

    /** The checksum of the loaded vector of {@code ordinal}, to compare with its record's. */
    int checksum(int ordinal) {
        return VectorChecksum.of(vectors[ordinal >>> pageShift], (ordinal & (pageSize - 1)) * dimension, dimension);
    }

    /** Computes the inverse norms of every live loaded vector (cosine collections). */
    void finishLoad(int maxOrdinal) {
        if (!cosine) {
            return;
        }
        for (int page = 0; page < vectors.length; page++) {
            if (vectors[page] == null) {
                continue;
            }
            int count = Math.min(pageSize, maxOrdinal - (page << pageShift));
            for (int slot = 0; slot < count; slot++) {
                if (deaths[page][slot] == 0L) {
                    invNorms[page][slot] = inverseNorm(vectors[page], slot * dimension, dimension);
                }
            }
        }
    }

    /** Marks {@code ordinal} dead from {@code epoch} on; readers of earlier epochs still see it. */
    void kill(int ordinal, long epoch) {
        int page = ordinal >>> pageShift;
        if (page < deaths.length && deaths[page] != null) {
            deaths[page][ordinal & (pageSize - 1)] = epoch;
            // the vector and metadata stay for readers of earlier epochs; the slot is never reused
        }
    }

    Snapshot snapshot(long epoch, int maxOrdinal, long liveCount, Page<Long, byte[]> root) {
        return new Snapshot(
                epoch,
                maxOrdinal,
                liveCount,
                root,
                dimension,
                pageShift,
                vectors,
                cosine ? invNorms : null,
                deaths,
                metadata,
                hitIds);
    }

    private void ensurePage(int page) {
        if (page >= vectors.length) {
            int n = Math.max(page + 1, vectors.length * 2);
            // new directory arrays: snapshots taken earlier keep the old ones, which share the same pages
            vectors = Arrays.copyOf(vectors, n);
            invNorms = Arrays.copyOf(invNorms, n);
            deaths = Arrays.copyOf(deaths, n);
            metadata = Arrays.copyOf(metadata, n);
            hitIds = Arrays.copyOf(hitIds, n);
        }
        if (vectors[page] == null) {
            long[] d = new long[pageSize];
            Arrays.fill(d, NEVER);
            deaths[page] = d;
            metadata[page] = new Object[pageSize];
            hitIds[page] = new String[pageSize];
            if (cosine) {
                invNorms[page] = new float[pageSize];
            }
            vectors[page] = new float[pageSize * dimension];
        }
    }

    static float inverseNorm(float[] v, int offset, int length) {
        double sum = 0;
        for (int i = 0; i < length; i++) {
            float x = v[offset + i];
            sum += (double) x * x;
        }
        return sum == 0 ? 0f : (float) (1.0 / Math.sqrt(sum));
    }

    static void normalize(float[] v, int offset, int length) {
        float inv = inverseNorm(v, offset, length);
        if (inv == 0f) {
            return;
        }
        for (int i = 0; i < length; i++) {
            v[offset + i] *= inv;
        }
    }
}
