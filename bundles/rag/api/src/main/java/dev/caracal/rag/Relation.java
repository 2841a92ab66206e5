package dev.caracal.rag;

import java.util.List;

/** A relation between two entities, by name, with a description, keywords and a strength in [0,1]. */
public record Relation(String source, String target, String description, List<String> keywords, double weight) {
    public Relation {
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
    }
}
