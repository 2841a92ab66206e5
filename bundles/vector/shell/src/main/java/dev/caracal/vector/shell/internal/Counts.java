package dev.caracal.vector.shell.internal;

/** A count with its noun in the right number: {@code 1 file}, {@code 2 files}, {@code 0 chunks}. */
public final class Counts {

    private Counts() {}

    /** For nouns whose plural adds an {@code s}. */
    public static String of(long count, String singular) {
        return of(count, singular, singular + "s");
    }

    public static String of(long count, String singular, String plural) {
        return count + " " + (count == 1 ? singular : plural);
    }
}
