package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.gateway.TokenCount;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The filters in effect, highest ranking first, linked ahead of the router. Immutable and stateless, so it is built
 * once per change of the filter set and shared by every call that starts while it is current: a call costs no
 * allocation for its chain. A filter that throws something other than an {@link LlmException} ends the call with an
 * UNAVAILABLE {@link GatewayException} naming the filter.
 *
 * <p>The asynchronous completion walks the same nodes through {@link GatewayFilter#completeAsync}: a filter that
 * overrides it runs without holding a thread; one that overrides only the blocking {@code complete} runs through the
 * API's default, which blocks the calling thread for the rest of the chain (correct, only not asynchronous); one that
 * overrides neither (a stream-only filter) is passed over, the call going straight on asynchronously.
 */
final class FilterChain {
    private static final Overrides COMPLETES = new Overrides(
            GatewayFilter.class, "complete", CallContext.class, ChatRequest.class, GatewayFilter.Chain.class);
    private static final Overrides COMPLETES_ASYNC = new Overrides(
            GatewayFilter.class, "completeAsync", CallContext.class, ChatRequest.class, GatewayFilter.Chain.class);
    final GatewayFilter.Chain head;
    final List<String> names;

    private FilterChain(GatewayFilter.Chain head, List<String> names) {
        this.head = head;
        this.names = names;
    }

    static FilterChain of(List<GatewayFilter> filters, GatewayFilter.Chain router) {
        GatewayFilter.Chain next = router;
        List<String> names = new ArrayList<>();
        for (int i = filters.size() - 1; i >= 0; i--) {
            GatewayFilter f = filters.get(i);
            String name;
            try {
                name = f.name();
            } catch (RuntimeException e) {
                name = f.getClass().getName();
            }
            names.add(0, name);
            next = new Node(f, name, next);
        }
        return new FilterChain(next, List.copyOf(names));
    }

    private static final class Node implements GatewayFilter.Chain {
        private final GatewayFilter filter;
        private final String name;
        private final GatewayFilter.Chain next;
        /** The filter completes neither way itself: {@link #completeAsync} passes calls straight on. */
        private final boolean passes;

        Node(GatewayFilter filter, String name, GatewayFilter.Chain next) {
            this.filter = filter;
            this.name = name;
            this.next = next;
            this.passes = !COMPLETES.by(filter) && !COMPLETES_ASYNC.by(filter);
        }

        @Override
        public ChatResponse complete(CallContext context, ChatRequest request) {
            return checked(context, () -> filter.complete(context, request, next), "the filter answered null");
        }

        /**
         * Calls the filter's {@code completeAsync}, or passes the call straight on when the filter has no completion
         * of its own (a stream-only filter: its inherited {@code complete} would only call the chain, but block the
         * calling thread doing so). The filter's failures and its answer are checked as {@link #complete} checks them.
         * The returned stage completes on the thread that completes the filter's stage (for a filter that passes the
         * chain's stage on, the thread of the router's); this adds only that check there.
         */
        @Override
        public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request) {
            if (passes) {
                return next.completeAsync(context, request);
            }
            CompletionStage<ChatResponse> stage;
            try {
                stage = filter.completeAsync(context, request, next);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(failure(context, e));
            }
            if (stage == null) {
                return CompletableFuture.failedFuture(
                        failed(context, new IllegalStateException("the filter answered no stage")));
            }
            CompletableFuture<ChatResponse> checked = new CompletableFuture<>();
            stage.whenComplete((response, error) -> {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                try {
                    if (cause == null) {
                        checked.complete(answer(context, response));
                    } else {
                        checked.completeExceptionally(
                                cause instanceof RuntimeException e ? failure(context, e) : cause);
                    }
                } catch (RuntimeException e) {
                    checked.completeExceptionally(e);
                }
            });
            return checked;
        }

        @Override
        public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler) {
            try {
                return filter.stream(context, request, handler, next);
            } catch (LlmException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failed(context, e);
            }
        }

        @Override
        public Embeddings embed(CallContext context, String model, List<String> inputs) {
            return checked(
                    context, () -> filter.embed(context, model, inputs, next), "the filter answered no embeddings");
        }

        @Override
        public TokenCount countTokens(CallContext context, ChatRequest request) {
            return checked(context, () -> filter.countTokens(context, request, next), "the filter answered no count");
        }

        /**
         * What the filter answers through {@code call}: its {@link LlmException} as is, anything else it throws (or a
         * null answer, said by {@code nullAnswer}) as the UNAVAILABLE failure naming the filter.
         */
        private <T> T checked(CallContext context, java.util.function.Supplier<T> call, String nullAnswer) {
            T answer;
            try {
                answer = call.get();
            } catch (RuntimeException e) {
                throw failure(context, e);
            }
            if (answer == null) {
                throw failed(context, new IllegalStateException(nullAnswer));
            }
            return answer;
        }

        /** What a call fails with when the filter throws {@code e}: an {@link LlmException} as is. */
        private LlmException failure(CallContext context, RuntimeException e) {
            return e instanceof LlmException le ? le : failed(context, e);
        }

        /** The filter's answer, which must not be null. */
        private ChatResponse answer(CallContext context, ChatResponse response) {
            if (response == null) {
                throw failed(context, new IllegalStateException("the filter answered null"));
            }
            return response;
        }

        private GatewayException failed(CallContext context, RuntimeException e) {
            return new GatewayException(
                    ErrorKind.UNAVAILABLE,
                    "gateway filter '" + name + "' failed: " + e,
                    0,
                    null,
                    e,
                    false,
                    context.attempts());
        }
    }
}
