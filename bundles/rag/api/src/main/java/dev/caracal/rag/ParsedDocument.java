package dev.caracal.rag;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A document reduced to text: its source (path or URI), title when known, plain text, structural sections, and
 * metadata found in it (author, date, ...).
 */
public record ParsedDocument(
        String source, String title, String text, List<Section> sections, Map<String, Object> metadata) {
    public ParsedDocument {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
        sections = sections == null ? List.of() : List.copyOf(sections);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
