package dev.caracal.vector.store.internal;

import java.util.Map;
import org.h2.mvstore.Page;

/**
 * What readers see of a collection: everything published up to one epoch (all records of a committed batch, or
 * none of them). Immutable in effect: the page arrays are shared with the writer, which only writes slots at or beyond
 * {@link #maxOrdinal} and marks deaths with a later epoch, both invisible here.
 */
final class Snapshot {
    final long epoch;
    /** One past the highest ordinal published. */
    final int maxOrdinal;

    final long liveCount;
    /** The records map as of the commit that made this snapshot durable. */
    final Page<Long, byte[]> recordsRoot;

    final int dimension;
    final int pageShift;
    final int pageMask;
    final float[][] vectors;
    /** Inverse norms by ordinal for cosine collections, else {@code null}. */
    final float[][] invNorms;

    final long[][] deaths;
    final Object[][] metadata;
    private final String[][] hitIds;

    Snapshot(
            long epoch,
            int maxOrdinal,
            long liveCount,
            Page<Long, byte[]> recordsRoot,
            int dimension,
            int pageShift,
            float[][] vectors,
            float[][] invNorms,
            long[][] deaths,
            Object[][] metadata,
            String[][] hitIds) {
        this.epoch = epoch;
        this.maxOrdinal = maxOrdinal;
        this.liveCount = liveCount;
        this.recordsRoot = recordsRoot;
        this.dimension = dimension;
        this.pageShift = pageShift;
        this.pageMask = (1 << pageShift) - 1;
        this.vectors = vectors;
        this.invNorms = invNorms;
        this.deaths = deaths;
        this.metadata = metadata;
        this.hitIds = hitIds;
    }

    /** The id of a record without text (all a search hit needs besides its metadata), or null: read the payload. */
    String hitId(int ordinal) {
        return hitIds[ordinal >>> pageShift][ordinal & pageMask];
    }

    boolean isLive(int ordinal) {
        if (ordinal < 0 || ordinal >= maxOrdinal) {
            return false;
        }
        int page = ordinal >>> pageShift;
        if (page >= deaths.length) {
            return false;
        }
        long[] d = deaths[page];
        if (d == null) {
            return false;
        }
        long death = d[ordinal & pageMask];
        return death == 0 || death > epoch;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> metadata(int ordinal) {
        Object m = metadata[ordinal >>> pageShift][ordinal & pageMask];
        return m == null ? Map.of() : (Map<String, Object>) m;
    }

    /** The vector of a live ordinal, exactly as the user stored it. */
    float[] vector(int ordinal) {
        float[] v = new float[dimension];
        System.arraycopy(vectors[ordinal >>> pageShift], (ordinal & pageMask) * dimension, v, 0, dimension);
        return v;
    }

    /** The vector as index plugins get it: unit length for cosine collections, as stored otherwise. */
    void copyIndexVector(int ordinal, float[] target) {
        int page = ordinal >>> pageShift;
        int slot = ordinal & pageMask;
        System.arraycopy(vectors[page], slot * dimension, target, 0, dimension);
        if (invNorms != null) {
            float inv = invNorms[page][slot];
            for (int i = 0; i < dimension; i++) {
                target[i] *= inv;
            }
        }
    }
}
