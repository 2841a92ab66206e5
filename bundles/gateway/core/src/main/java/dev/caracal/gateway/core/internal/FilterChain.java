package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * The filters in effect, highest ranking first, linked ahead of the router. Immutable and stateless, so it is built
 * once per change of the filter set and shared by every call that starts while it is current: a call costs no
 * allocation for its chain. A filter that throws something other than an {@link LlmException} ends the call with an
 * UNAVAILABLE {@link GatewayException} naming the filter.
 */
final class FilterChain {
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

        Node(GatewayFilter filter, String name, GatewayFilter.Chain next) {
            this.filter = filter;
            this.name = name;
            this.next = next;
        }

        @Override
        public ChatResponse complete(CallContext context, ChatRequest request) {
            ChatResponse response;
            try {
                response = filter.complete(context, request, next);
            } catch (LlmException e) {
                throw e;
            } catch (RuntimeException e) {
                throw failed(context, e);
            }
            if (response == null) {
                throw failed(context, new IllegalStateException("the filter answered null"));
            }
            return response;
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

        private GatewayException failed(CallContext context, RuntimeException e) {
            return new GatewayException(ErrorKind.UNAVAILABLE, "gateway filter '" + name + "' failed: " + e, 0, null, e,
                    false, context.attempts());
        }
    }
}
