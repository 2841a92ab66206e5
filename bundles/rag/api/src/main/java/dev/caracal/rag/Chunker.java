package dev.caracal.rag;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** Cuts a parsed document into chunks, registered with the service property {@value #STRATEGY_PROPERTY}. */
@ConsumerType
public interface Chunker {
    String STRATEGY_PROPERTY = "caracal.chunker.strategy";

    String strategy();

    List<Chunk> chunk(ParsedDocument document, ChunkingOptions options);
}
