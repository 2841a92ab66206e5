package dev.caracal.gateway;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A step every chat and embedding call passes through before routing: authentication, rate limits, budgets, PII redaction,
 * response caching, recording. Filters are services ordered by {@code service.ranking} (highest first); each may
 * change the request, answer without calling the chain (a cache hit, a refusal as an
 * {@link dev.caracal.llm.LlmException}), or observe and change what comes back. A filter that leaves is simply
 * skipped by calls that start afterwards. {@code gateway:filters} lists the filters in the order calls pass them.
 *
 * <p>Register a filter with the discovery property {@value #NAME_PROPERTY}{@code =<name>} (its {@link #name()}) so
 * that {@code caracal:status} lists it among the plugins, as every plugin kind is listed by its property. The gateway
 * itself takes every {@code GatewayFilter} service, with or without the property.
 */
@ConsumerType
public interface GatewayFilter {

    /**
     * The service property that names a filter for discovery ({@code caracal:status}).
     *
     * @since 1.2
     */
    String NAME_PROPERTY = "caracal.gateway.filter";

    /** A short name for logs and {@code gateway:filters}. */
    String name();

    default ChatResponse complete(CallContext context, ChatRequest request, Chain chain) {
        return chain.complete(context, request);
    }

    /**
     * The asynchronous form of {@link #complete}, used by callers that must not hold a thread while upstreams answer
     * (the HTTP ingresses). A filter that can work without blocking overrides it (and {@link #complete}) and uses
     * {@link Chain#completeAsync}; the default runs {@link #complete}, which blocks the calling thread for the rest
     * of the chain, so a filter that only knows the blocking form keeps its full effect.
     *
     * @since 1.1
     */
    default CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request, Chain chain) {
        try {
            return CompletableFuture.completedFuture(complete(context, request, chain));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Streams through the chain; a filter may wrap {@code handler} to see or change the events. */
    default StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler, Chain chain) {
        return chain.stream(context, request, handler);
    }

    /**
     * An embedding call through the chain: a filter that guards or meters calls (grants, budgets) checks it here;
     * the default passes it on.
     *
     * @since 1.5
     */
    default Embeddings embed(CallContext context, String model, List<String> inputs, Chain chain) {
        return chain.embed(context, model, inputs);
    }

    /**
     * A token count through the chain (nothing is generated or spent): a filter that guards models checks it here;
     * the default passes it on.
     *
     * @since 1.5
     */
    default TokenCount countTokens(CallContext context, ChatRequest request, Chain chain) {
        return chain.countTokens(context, request);
    }

    /** The rest of the filters, then the router. */
    @ProviderType
    interface Chain {
        ChatResponse complete(CallContext context, ChatRequest request);

        /** @since 1.1 */
        CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request);

        StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler);

        /**
         * Embeds {@code inputs} with {@code model} through the rest of the chain.
         *
         * @since 1.5
         */
        default Embeddings embed(CallContext context, String model, List<String> inputs) {
            throw new LlmException(ErrorKind.UNAVAILABLE, "this gateway chain does not serve embeddings");
        }

        /**
         * Counts the input tokens of {@code request} through the rest of the chain.
         *
         * @since 1.5
         */
        default TokenCount countTokens(CallContext context, ChatRequest request) {
            throw new LlmException(ErrorKind.UNAVAILABLE, "this gateway chain does not count tokens");
        }
    }
}
