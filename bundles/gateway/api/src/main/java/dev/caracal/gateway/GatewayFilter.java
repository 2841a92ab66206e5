package dev.caracal.gateway;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A step every chat call passes through before routing: authentication, rate limits, budgets, PII redaction,
 * response caching, recording. Filters are services ordered by {@code service.ranking} (highest first); each may
 * change the request, answer without calling the chain (a cache hit, a refusal as an
 * {@link dev.caracal.llm.LlmException}), or observe and change what comes back. A filter that leaves is simply
 * skipped by calls that start afterwards.
 */
@ConsumerType
public interface GatewayFilter {

    /** A short name for logs and {@code gateway:filters}. */
    String name();

    default ChatResponse complete(CallContext context, ChatRequest request, Chain chain) {
        return chain.complete(context, request);
    }

    /** Streams through the chain; a filter may wrap {@code handler} to see or change the events. */
    default StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler, Chain chain) {
        return chain.stream(context, request, handler);
    }

    /** The rest of the filters, then the router. */
    @ProviderType
    interface Chain {
        ChatResponse complete(CallContext context, ChatRequest request);

        StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler);
    }
}
