package dev.caracal.rag;

/**
 * How to cut text: target and maximum chunk size in characters, and how many characters consecutive chunks share.
 */
public record ChunkingOptions(int targetChars, int maxChars, int overlapChars) {
    public static final ChunkingOptions PARAGRAPHS = new ChunkingOptions(800, 2000, 0);

    public ChunkingOptions {
        if (targetChars <= 0 || maxChars < targetChars || overlapChars < 0 || overlapChars >= targetChars) {
            throw new IllegalArgumentException("need 0 < targetChars <= maxChars and 0 <= overlapChars < targetChars");
        }
    }
}
