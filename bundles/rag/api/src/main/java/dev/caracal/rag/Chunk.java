package dev.caracal.rag;

import java.util.Map;

/** A piece of a document: its position, text, offsets in the document text, and metadata (source, heading, ...). */
public record Chunk(int index, String text, int start, int end, Map<String, Object> metadata) {
    public Chunk {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
