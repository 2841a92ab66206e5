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
    default void persist() {
    }

    @Override
    void close();
}
