package dev.caracal.vector.index;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An approximate (or exact) nearest-neighbour index over a collection's vectors. Calls to {@link #add} and
 * {@link #remove} may come from several threads at once, concurrently with {@link #search}.
 */
@ConsumerType
public interface VectorIndex extends AutoCloseable {

    /** Index the vector of {@code ordinal} (read from the context's {@link VectorSource} or given here). */
    void add(int ordinal, float[] vector);

    void remove(int ordinal);

    /**
     * The best {@code k} ordinals for {@code query} among those {@code filter} accepts ({@code filter} may be
     * {@code null}); {@code params} are per-query parameters, already validated.
     */
    ScoredOrdinals search(float[] query, int k, OrdinalFilter filter, Map<String, Object> params);

    /** How many vectors the index holds. */
    int size();

    /** Bytes of memory the index uses, roughly. */
    long memoryBytes();

    /** Persist to the context directory, if this index supports it. */
    default void persist() {}

    /**
     * Persist to the context directory so that a later {@link VectorIndexFactory#open} can resume instead of
     * rebuilding. The store calls it when no write is in flight (on close), with {@code coveredOrdinals}: every ordinal
     * below it has been {@link #add added} if live and {@link #remove removed} if deleted. Store the value with the
     * index and report it from {@link #restoredOrdinals()} after reopening. The default calls {@link #persist()}.
     */
    default void persist(int coveredOrdinals) {
        persist();
    }

    /**
     * After {@link VectorIndexFactory#open}: how many leading ordinals the index reloaded from its persisted state (the
     * {@code coveredOrdinals} of the last {@link #persist(int)}), or 0 when it starts empty. The store then adds the
     * live ordinals from there on and calls {@link #remove} for every ordinal below it that is no longer live (which
     * must be a no-op for ordinals the index does not hold). Return 0 unless the persisted state was written for the
     * same metric, dimension and build parameters and passed its integrity checks.
     */
    default int restoredOrdinals() {
        return 0;
    }

    @Override
    void close();
}
