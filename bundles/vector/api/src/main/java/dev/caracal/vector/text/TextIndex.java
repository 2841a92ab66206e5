package dev.caracal.vector.text;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A keyword index over the text of a collection's records, by ordinal. {@link #add} and {@link #remove} may come from
 * several threads, concurrently with {@link #search}; a search sees every {@code add} and {@code remove} that
 * returned before it started.
 */
@ConsumerType
public interface TextIndex extends AutoCloseable {

    /** Index the text of {@code ordinal} (an ordinal is added at most once; the store gives replaced records new ones). */
    void add(int ordinal, String text);

    /** Forget {@code ordinal}; a no-op when the index does not hold it. */
    void remove(int ordinal);

    /**
     * The best {@code k} ordinals for the keyword query {@code query} among those {@code filter} accepts ({@code filter}
     * may be {@code null}), best first, scored by relevance (higher is better; for BM25 the BM25 score). A query with
     * no indexable term finds nothing; it is not an error. Query text is matched as words, never parsed as a query
     * language.
     */
    ScoredOrdinals search(String query, int k, OrdinalFilter filter);

    /** How many records the index holds. */
    int size();

    /** Bytes the index occupies (memory and disk), roughly. */
    long sizeBytes();

    /**
     * Persist so a later {@link TextIndexFactory#open} can resume; same contract as
     * {@link dev.caracal.vector.index.VectorIndex#persist(int)}.
     */
    void persist(int coveredOrdinals);

    /** After open: the {@code coveredOrdinals} of the last {@link #persist}, or 0 when the index starts empty. */
    int restoredOrdinals();

    @Override
    void close();
}
