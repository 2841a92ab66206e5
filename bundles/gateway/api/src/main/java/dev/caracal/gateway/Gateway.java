package dev.caracal.gateway;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway: runs the filters, then routes the request's model (or the {@link CallContext#ROUTE_HEADER} override)
 * to its targets, falling back on retryable failures and skipping targets whose circuit breaker is open.
 */
@ProviderType
public interface Gateway {

    /** Serves a non-streamed call; failures are {@link GatewayException}s (or an {@code LlmException} of a filter). */
    ChatResponse complete(CallContext context, ChatRequest request);

    /**
     * Serves a non-streamed call without holding the caller's thread while upstreams answer: the same filters,
     * routing, fallback and failures as {@link #complete}, the failures delivered through the stage. Its dependent
     * stages may run on a provider's I/O thread: a caller that blocks (writing to a slow client, for one) hops to its
     * own executor first. The default runs {@link #complete} on the calling thread.
     *
     * @since 1.1
     */
    default CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request) {
        try {
            return CompletableFuture.completedFuture(complete(context, request));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Serves a streamed call. A target that fails before its first event is replaced by the next one, invisibly to
     * the handler; once events have flowed, a failure ends the stream with an {@code Error} event.
     */
    StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler);

    /** Embeds with the embedding model named {@code model} (a local one, or a provider's). */
    Embeddings embed(CallContext context, String model, List<String> inputs);

    /** Every model name a client can ask for: routes, their aliases, and the models providers list. */
    List<ModelInfo> models();

    /** The routes in effect: configured ones first, then the implicit route of each provider model. */
    List<Route> routes();

    /** The health of every target of every route. */
    List<TargetHealth> health();
}
