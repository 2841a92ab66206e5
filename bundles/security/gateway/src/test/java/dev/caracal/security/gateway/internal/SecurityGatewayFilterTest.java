package dev.caracal.security.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayFilter;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.Usage;
import dev.caracal.security.Grants;
import dev.caracal.security.Principal;
import dev.caracal.security.Role;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Model grants and token budgets, in front of a chain that answers with a known usage. */
class SecurityGatewayFilterTest {
    static final Principal NARROW =
            new Principal("acme", Role.READER, "key_1", "app", new Grants(Set.of(), Set.of("gpt-4o-mini")));
    static final Principal WIDE = new Principal("acme", Role.WRITER, "key_2", "svc", Grants.ALL);

    final AtomicInteger calls = new AtomicInteger();
    final GatewayFilter.Chain chain = new GatewayFilter.Chain() {
        @Override
        public ChatResponse complete(CallContext context, ChatRequest request) {
            calls.incrementAndGet();
            return new ChatResponse(
                    "r",
                    request.model(),
                    List.of(new ContentPart.Text("hi")),
                    StopReason.END_TURN,
                    new Usage(60, 40, 0, 0));
        }

        @Override
        public CompletionStage<ChatResponse> completeAsync(CallContext context, ChatRequest request) {
            return CompletableFuture.completedFuture(complete(context, request));
        }

        @Override
        public dev.caracal.llm.Embeddings embed(CallContext context, String model, List<String> inputs) {
            calls.incrementAndGet();
            return new dev.caracal.llm.Embeddings(List.of(new float[] {1f}), 70);
        }

        @Override
        public dev.caracal.gateway.TokenCount countTokens(CallContext context, ChatRequest request) {
            return new dev.caracal.gateway.TokenCount(12, false, "p");
        }

        @Override
        public StreamHandle stream(CallContext context, ChatRequest request, StreamHandler handler) {
            calls.incrementAndGet();
            handler.onEvent(new StreamEvent.Start("r", request.model()));
            handler.onEvent(new StreamEvent.UsageUpdate(new Usage(60, 10, 0, 0)));
            handler.onEvent(new StreamEvent.UsageUpdate(new Usage(60, 40, 0, 0)));
            handler.onEvent(new StreamEvent.End(StopReason.END_TURN));
            return () -> {};
        }
    };

    static SecurityGatewayFilter filter(int keyTokens, int tenantTokens) {
        SecurityGatewayFilter f = new SecurityGatewayFilter();
        f.configure(new SecurityGatewayFilter.Config() {
            @Override
            public int keyTokensPerMinute() {
                return keyTokens;
            }

            @Override
            public int tenantTokensPerMinute() {
                return tenantTokens;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return SecurityGatewayFilter.Config.class;
            }
        });
        return f;
    }

    static CallContext context(Principal p, Map<String, String> headers) {
        CallContext c = new CallContext("id", "openai", headers);
        if (p != null) {
            c.attributes().put(Principal.ATTRIBUTE, p);
        }
        return c;
    }

    static ChatRequest request(String model) {
        return new ChatRequest(model, null, List.of(Message.user("hello")), null, null, null, null, false, null);
    }

    @Test
    void aKeyNarrowedToModelsCallsOnlyThoseAndNoRouteAroundThem() {
        SecurityGatewayFilter f = filter(0, 0);
        assertEquals(
                "gpt-4o-mini",
                f.complete(context(NARROW, Map.of()), request("gpt-4o-mini"), chain)
                        .model());
        LlmException model =
                assertThrows(LlmException.class, () -> f.complete(context(NARROW, Map.of()), request("gpt-4o"), chain));
        assertEquals(ErrorKind.PERMISSION, model.kind());
        assertTrue(model.getMessage().contains("'gpt-4o'"), model.getMessage());
        LlmException route = assertThrows(
                LlmException.class,
                () -> f.complete(
                        context(NARROW, Map.of(CallContext.ROUTE_HEADER, "openai/gpt-4o")),
                        request("gpt-4o-mini"),
                        chain));
        assertEquals(ErrorKind.PERMISSION, route.kind());
        assertEquals(1, calls.get(), "refused calls never reach the providers");
        assertEquals(
                "gpt-4o",
                f.complete(context(WIDE, Map.of()), request("gpt-4o"), chain).model());
        assertEquals(
                "gpt-4o",
                f.complete(context(null, Map.of()), request("gpt-4o"), chain).model(),
                "console");
    }

    @Test
    void aKeySpendsItsTokensPerMinuteThenWaits() {
        SecurityGatewayFilter f = filter(150, 0);
        f.complete(context(WIDE, Map.of()), request("m"), chain); // 100 tokens
        f.completeAsync(context(WIDE, Map.of()), request("m"), chain)
                .toCompletableFuture()
                .join(); // 200: overdrawn
        LlmException limited =
                assertThrows(LlmException.class, () -> f.complete(context(WIDE, Map.of()), request("m"), chain));
        assertEquals(ErrorKind.RATE_LIMITED, limited.kind());
        assertNotNull(limited.retryAfter());
        assertTrue(limited.retryAfter().toSeconds() >= 1, limited.retryAfter().toString());
        f.complete(context(NARROW.inTenant("other"), Map.of()), request("gpt-4o-mini"), chain); // another key: fine
    }

    @Test
    void aStreamIsChargedItsFinalUsageAndATenantShareItsBudget() {
        SecurityGatewayFilter f = filter(0, 120);
        List<StreamEvent> seen = new ArrayList<>();
        f.stream(context(WIDE, Map.of()), request("m"), seen::add, chain); // 100 of 120
        assertEquals(4, seen.size(), "every event reaches the client");
        f.stream(context(NARROW, Map.of()), request("gpt-4o-mini"), seen::add, chain); // same tenant: 200
        LlmException limited = assertThrows(
                LlmException.class, () -> f.stream(context(WIDE, Map.of()), request("m"), seen::add, chain));
        assertTrue(limited.getMessage().contains("tenant"), limited.getMessage());
    }

    @Test
    void theTighterBudgetIsToldInTheHeadersOfTheCallersSdkFamily() {
        SecurityGatewayFilter f = filter(150, 1000);
        CallContext first = context(WIDE, Map.of());
        f.complete(first, request("m"), chain); // 100 of the key's 150, 100 of the tenant's 1000
        assertEquals(
                "150",
                first.responseHeaders().get("x-ratelimit-limit-tokens"),
                first.responseHeaders().toString());
        assertEquals("150", first.responseHeaders().get("x-ratelimit-remaining-tokens"), "told before the call");

        CallContext second = context(WIDE, Map.of());
        f.complete(second, request("m"), chain); // the key is now at -50
        assertEquals("50", second.responseHeaders().get("x-ratelimit-remaining-tokens"));
        assertTrue(second.responseHeaders().get("x-ratelimit-reset-tokens").matches("\\d+(ms|s|m\\d+s)"));

        CallContext refused = new CallContext("id", "anthropic", Map.of());
        refused.attributes().put(Principal.ATTRIBUTE, WIDE);
        LlmException e = assertThrows(LlmException.class, () -> f.complete(refused, request("m"), chain));
        assertTrue(e.getMessage().startsWith("this API key's token rate limit (150 tokens a minute)"), e.getMessage());
        assertEquals("150", refused.responseHeaders().get("anthropic-ratelimit-tokens-limit"));
        assertEquals("0", refused.responseHeaders().get("anthropic-ratelimit-tokens-remaining"));
        assertNotNull(java.time.Instant.parse(refused.responseHeaders().get("anthropic-ratelimit-tokens-reset")));

        CallContext unlimited = context(WIDE, Map.of());
        filter(0, 0).complete(unlimited, request("m"), chain);
        assertEquals(Map.of(), unlimited.responseHeaders(), "no limits, no headers");
    }

    @Test
    void embeddingsKeepTheKeysModelGrantsAndSpendItsTokens() {
        SecurityGatewayFilter f = filter(100, 0);
        LlmException denied = assertThrows(
                LlmException.class,
                () -> f.embed(context(NARROW, Map.of()), "text-embedding-3-small", List.of("x"), chain));
        assertEquals(ErrorKind.PERMISSION, denied.kind());
        assertTrue(denied.getMessage().contains("'text-embedding-3-small'"), denied.getMessage());
        assertEquals(0, calls.get(), "refused before any provider");

        f.embed(context(WIDE, Map.of()), "e", List.of("x"), chain); // 70 of 100
        f.embed(context(WIDE, Map.of()), "e", List.of("x"), chain); // 140: overdrawn
        LlmException limited =
                assertThrows(LlmException.class, () -> f.embed(context(WIDE, Map.of()), "e", List.of("x"), chain));
        assertEquals(ErrorKind.RATE_LIMITED, limited.kind());
    }

    @Test
    void countingTokensKeepsTheKeysModelGrants() {
        SecurityGatewayFilter f = filter(0, 0);
        assertEquals(
                12,
                f.countTokens(context(NARROW, Map.of()), request("gpt-4o-mini"), chain)
                        .inputTokens());
        LlmException denied = assertThrows(
                LlmException.class, () -> f.countTokens(context(NARROW, Map.of()), request("claude-x"), chain));
        assertEquals(ErrorKind.PERMISSION, denied.kind());
    }
}
