package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.RequestExtras;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {
    static final RequestExtras SENT = new RequestExtras(
            "anthropic",
            Map.of(),
            Map.of(
                    "Anthropic-Beta", "files-api-2025-04-14, prompt-caching-2024-07-31",
                    "anthropic-version", "2024-01-01",
                    "traceparent", "00-abc-def-01",
                    "x-other", "not listed"));

    @Test
    void listedHeadersTheClientSentReplaceTheProvidersOwn() {
        ForwardedHeaders forward = ForwardedHeaders.parse("anthropic-version, TraceParent, idempotency-key");
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://localhost/")).header("anthropic-version", "2023-06-01");
        forward.apply(b, SENT);
        HttpRequest r = b.GET().build();
        assertEquals(List.of("2024-01-01"), r.headers().allValues("anthropic-version"));
        assertEquals(List.of("00-abc-def-01"), r.headers().allValues("traceparent"));
        assertTrue(r.headers().allValues("x-other").isEmpty(), "not on the list");
        assertTrue(r.headers().allValues("idempotency-key").isEmpty(), "listed but not sent");
    }

    @Test
    void aCommaSeparatedHeaderJoinsTheProvidersValuesOnce() {
        ForwardedHeaders forward = ForwardedHeaders.parse("anthropic-beta");
        assertEquals(
                "prompt-caching-2024-07-31,files-api-2025-04-14",
                forward.merged("anthropic-beta", List.of("prompt-caching-2024-07-31"), SENT));
        assertEquals(
                "prompt-caching-2024-07-31",
                ForwardedHeaders.NONE.merged("anthropic-beta", List.of("prompt-caching-2024-07-31"), SENT),
                "not listed: only the provider's own");
    }

    @Test
    void credentialsFramingAndNonsenseCannotBeListed() {
        for (String bad : List.of("Authorization", "x-api-key", "host", "content-length", "cookie")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ForwardedHeaders.parse("traceparent, " + bad));
            assertTrue(e.getMessage().contains("'" + bad + "' may not be forwarded"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ForwardedHeaders.parse("bad header"));
        assertEquals(List.of(), ForwardedHeaders.parse("").names());
    }
}
