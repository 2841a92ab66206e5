package dev.caracal.vector.index;

/**
 * The records a filtered search may return, by ordinal, with an estimate of how many there are so an index can
 * choose between filtered traversal and an exact scan of the matching subset.
 */
public interface OrdinalFilter {
    boolean accept(int ordinal);

    /** An estimate of how many live ordinals are accepted. */
    int estimatedCount();
}
