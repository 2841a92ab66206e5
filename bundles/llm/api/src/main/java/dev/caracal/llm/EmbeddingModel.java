package dev.caracal.llm;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A text embedding model, registered with the service property {@value LlmProperties#EMBEDDING_MODEL} set to its
 * {@link #name()}. Implementations are thread-safe; a call may be batched internally.
 */
@ConsumerType
public interface EmbeddingModel {

    /** The name collections refer to, for example {@code all-minilm-l6-v2}. */
    String name();

    /** The length of every vector this model returns. */
    int dimension();

    /** Whether returned vectors have unit length (so cosine and dot product rank alike). */
    boolean normalized();

    /** The longest input, in model tokens, before truncation. */
    int maxInputTokens();

    /** Embed the inputs; throws {@link LlmException} when the model cannot. */
    Embeddings embed(List<String> inputs);
}
