package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.concurrent.CompletionStage;

/**
 * Gateway filters made of a name and lambdas, one factory per form a filter takes. The chain tells the forms apart by
 * the methods a filter's class overrides, so each factory's filter overrides exactly the methods it is given.
 */
final class TestFilters {
    private TestFilters() {}

    @FunctionalInterface
    interface Completion {
        ChatResponse complete(CallContext context, ChatRequest request, GatewayFilter.Chain chain);
    }

    @FunctionalInterface
    interface AsyncCompletion {
        CompletionStage<ChatResponse> completeAsync(
                CallContext context, ChatRequest request, GatewayFilter.Chain chain);
    }

    @FunctionalInterface
    interface Streaming {
        StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler, GatewayFilter.Chain chain);
    }

    /** A filter that completes the blocking way only (its async completion is the API's default). */
    static GatewayFilter completing(String name, Completion completion) {
        return new Blocking(name, completion);
    }

    /** A filter that completes asynchronously only. */
    static GatewayFilter completingAsync(String name, AsyncCompletion completion) {
        return new Async(name, completion);
    }

    /** A filter with both completions of its own. */
    static GatewayFilter completingBothWays(String name, Completion completion, AsyncCompletion asyncCompletion) {
        return new Blocking(name, completion) {
            @Override
            public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request, Chain chain) {
                return asyncCompletion.completeAsync(context, request, chain);
            }
        };
    }

    /** A filter of streams only. */
    static GatewayFilter streaming(String name, Streaming streaming) {
        return new Streams(name, streaming);
    }

    /** A filter that completes the blocking way and streams. */
    static GatewayFilter completingAndStreaming(String name, Completion completion, Streaming streaming) {
        return new Blocking(name, completion) {
            @Override
            public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler, Chain chain) {
                return streaming.stream(context, request, handler, chain);
            }
        };
    }

    /** Identity equality, as a filter service has: two filters of a test are never one map key. */
    private abstract static class Named implements GatewayFilter {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }
    }

    private static class Blocking extends Named {
        private final Completion completion;

        Blocking(String name, Completion completion) {
            super(name);
            this.completion = completion;
        }

        @Override
        public ChatResponse complete(CallContext context, ChatRequest request, Chain chain) {
            return completion.complete(context, request, chain);
        }
    }

    private static final class Async extends Named {
        private final AsyncCompletion completion;

        Async(String name, AsyncCompletion completion) {
            super(name);
            this.completion = completion;
        }

        @Override
        public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request, Chain chain) {
            return completion.completeAsync(context, request, chain);
        }
    }

    private static final class Streams extends Named {
        private final Streaming streaming;

        Streams(String name, Streaming streaming) {
            super(name);
            this.streaming = streaming;
        }

        @Override
        public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler, Chain chain) {
            return streaming.stream(context, request, handler, chain);
        }
    }
}
