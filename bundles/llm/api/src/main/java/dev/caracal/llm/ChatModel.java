package dev.caracal.llm;

import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    /**
     * Complete a request without holding the caller's thread while the upstream answers; the stage fails with an
     * {@link LlmException} where {@link #complete} would throw one. Its dependent stages may run on an I/O thread of
     * the provider: callers that block or do long work hop to their own executor first. The default runs
     * {@link #complete} on the calling thread.
     *
     * @since 1.1
     */
    default CompletionStage<ChatResponse> completeAsync(ChatRequest request) {
        try {
            return CompletableFuture.completedFuture(complete(request));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The input tokens {@code request} counts for its model, as the vendor counts them (Anthropic's
     * {@code count_tokens}), or empty when the provider has no way to count; the gateway then answers an estimate
     * ({@link TokenEstimate}). Failures are {@link LlmException}s.
     *
     * @since 1.3
     */
    default java.util.OptionalLong countTokens(ChatRequest request) {
        return java.util.OptionalLong.empty();
    }

    /** Stream a request; every outcome, failures included, reaches the handler as events. */
    StreamHandle stream(ChatRequest request, StreamHandler handler);

    /** Complete many requests with bounded concurrency; each element completes or fails on its own. */
    List<CompletionStage<ChatResponse>> batch(List<ChatRequest> requests, int maxConcurrency);
}
