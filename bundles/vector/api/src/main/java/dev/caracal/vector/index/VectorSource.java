package dev.caracal.vector.index;

/**
 * Read access to a collection's vectors by ordinal, as the store holds them. Ordinals are dense non-negative ints;
 * a deleted ordinal is not {@link #isLive live}.
 */
public interface VectorSource {
    int dimension();

    /** One past the highest ordinal ever assigned. */
    int maxOrdinal();

    boolean isLive(int ordinal);

    /** Copies the vector of {@code ordinal} into {@code target} (length {@link #dimension()}). */
    void copyVector(int ordinal, float[] target);
}
