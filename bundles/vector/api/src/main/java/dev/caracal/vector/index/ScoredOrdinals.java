package dev.caracal.vector.index;

/** Search results as parallel arrays, best first: ordinals and their scores (higher is more similar). */
public record ScoredOrdinals(int[] ordinals, float[] scores) {
    public ScoredOrdinals {
        if (ordinals.length != scores.length) {
            throw new IllegalArgumentException("ordinals and scores differ in length");
        }
    }

    public int size() {
        return ordinals.length;
    }
}
