package dev.caracal.rag;

import java.util.List;

/** The entities and relations extracted from one chunk. */
public record ExtractedGraph(List<Entity> entities, List<Relation> relations) {
    public ExtractedGraph {
        entities = List.copyOf(entities);
        relations = List.copyOf(relations);
    }
}
