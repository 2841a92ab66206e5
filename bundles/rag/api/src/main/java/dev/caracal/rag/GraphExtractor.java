package dev.caracal.rag;

import org.osgi.annotation.versioning.ConsumerType;

/** Extracts a knowledge graph from chunks (typically with an LLM). */
@ConsumerType
public interface GraphExtractor {
    ExtractedGraph extract(Chunk chunk);
}
