package dev.caracal.llm;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A chat provider instance (one account or endpoint), registered with the service properties
 * {@value LlmProperties#PROVIDER} (the provider kind) and {@value LlmProperties#PROVIDER_ID} (the instance).
 * Implementations are thread-safe and never block the caller of {@link #stream} beyond sending the request.
 */
@ConsumerType
public interface ChatModel {

    /** The provider instance id, unique in the container. */
    String providerId();

    /** Models this instance serves. */
    List<ModelInfo> models();

    /** Complete a request; failures are thrown as {@link LlmException}. */
    ChatResponse complete(ChatRequest request);

    /** Stream a request; every outcome, failures included, reaches the handler as events. */
    StreamHandle stream(ChatRequest request, StreamHandler handler);

    /** Complete many requests with bounded concurrency; each element completes or fails on its own. */
    List<CompletionStage<ChatResponse>> batch(List<ChatRequest> requests, int maxConcurrency);
}
