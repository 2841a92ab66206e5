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

    /**
     * Embeds with what {@code model} names, resolved as a chat call's model is (the
     * {@link CallContext#ROUTE_HEADER} override included): a configured route whose targets are embedding models, a
     * {@code provider/model}, or the name of a model that providers (or Caracal itself, provider {@code local}) serve,
     * tried in the gateway's provider preference, with fallback on retryable failures. A name that only chat routes
     * serve is an {@code INVALID_REQUEST}, and the reverse holds for chat calls.
     */
    Embeddings embed(CallContext context, String model, List<String> inputs);

    /**
     * Every model name a client can ask for: routes, their aliases, the models providers list, and the names of the
     * embedding models (with {@code capabilities().embeddings()} set, as on routes to embedding models).
     */
    List<ModelInfo> models();

    /**
     * The routes in effect: configured ones first, then the implicit route of each provider model, then the implicit
     * route of each embedding model name.
     */
    List<Route> routes();

    /**
     * The input tokens of {@code request} for the model it names, resolved as a chat call's model is: counted by the
     * first present target's provider when it can count, else estimated ({@link dev.caracal.llm.TokenEstimate}).
     * Nothing is generated and nothing is spent. The default estimates.
     *
     * @since 1.5
     */
    default TokenCount countTokens(CallContext context, ChatRequest request) {
        return new TokenCount(dev.caracal.llm.TokenEstimate.inputTokens(request), true, null);
    }

    /** The health of every target of every route. */
    List<TargetHealth> health();
}
