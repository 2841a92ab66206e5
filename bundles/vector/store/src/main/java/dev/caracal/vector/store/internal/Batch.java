package dev.caracal.vector.store.internal;

import java.util.Arrays;
import java.util.Map;

/**
 * One upsert or delete, queued for the group committer.
 * <ul>
 * <li>adds: records written (ordinal, id, vector, parsed metadata, durable payload); their vectors are already in the
 * vector file;</li>
 * <li>removes: ordinals that stop being visible when the batch is published (replaced or deleted), with the id for
 * deletes;</li>
 * <li>replaced: ordinals replaced by this batch, removed from the records map by the <em>next</em> commit group;</li>
 * <li>purges: ordinals a delete removes from the records map in this commit (the current and any replaced version).</li>
 * </ul>
 */
final class Batch {
    long seq;

    int addCount;
    int[] addOrdinals;
    String[] addIds;
    float[][] addVectors;
    Object[] addMetadata;
    byte[][] addPayloads;

    int removeCount;
    int[] removeOrdinals;
    String[] removeIds;

    int replacedCount;
    int[] replacedOrdinals = new int[0];
    String[] replacedIds = new String[0];

    int purgeCount;
    int[] purgeOrdinals = new int[0];

    Batch(int expectedAdds, int expectedRemoves) {
        addOrdinals = new int[expectedAdds];
        addIds = new String[expectedAdds];
        addVectors = new float[expectedAdds][];
        addMetadata = new Object[expectedAdds];
        addPayloads = new byte[expectedAdds][];
        removeOrdinals = new int[Math.max(1, expectedRemoves)];
        removeIds = new String[Math.max(1, expectedRemoves)];
    }

    void add(int ordinal, String id, float[] vector, Map<String, Object> metadata, byte[] payload) {
        if (addCount == addOrdinals.length) {
            int n = Math.max(4, addCount * 2);
            addOrdinals = Arrays.copyOf(addOrdinals, n);
            addIds = Arrays.copyOf(addIds, n);
            addVectors = Arrays.copyOf(addVectors, n);
            addMetadata = Arrays.copyOf(addMetadata, n);
            addPayloads = Arrays.copyOf(addPayloads, n);
        }
        addOrdinals[addCount] = ordinal;
        addIds[addCount] = id;
        addVectors[addCount] = vector;
        addMetadata[addCount] = metadata;
        addPayloads[addCount] = payload;
        addCount++;
    }

    /** {@code ordinal} (the current version of {@code id}) is replaced by a record of this batch. */
    void replace(int ordinal, String id) {
        remove(ordinal, null);
        if (replacedCount == replacedOrdinals.length) {
            int n = Math.max(4, replacedCount * 2);
            replacedOrdinals = Arrays.copyOf(replacedOrdinals, n);
            replacedIds = Arrays.copyOf(replacedIds, n);
        }
        replacedOrdinals[replacedCount] = ordinal;
        replacedIds[replacedCount] = id;
        replacedCount++;
    }

    /** {@code ordinal}, the current version of {@code id}, is deleted. */
    void delete(int ordinal, String id) {
        remove(ordinal, id);
        purge(ordinal);
    }

    /** {@code ordinal} leaves the records map in this batch's commit (it may already be invisible). */
    void purge(int ordinal) {
        if (purgeCount == purgeOrdinals.length) {
            purgeOrdinals = Arrays.copyOf(purgeOrdinals, Math.max(4, purgeCount * 2));
        }
        purgeOrdinals[purgeCount++] = ordinal;
    }

    private void remove(int ordinal, String deletedId) {
        if (removeCount == removeOrdinals.length) {
            int n = removeCount * 2;
            removeOrdinals = Arrays.copyOf(removeOrdinals, n);
            removeIds = Arrays.copyOf(removeIds, n);
        }
        removeOrdinals[removeCount] = ordinal;
        removeIds[removeCount] = deletedId;
        removeCount++;
    }
}
