package dev.caracal.llm;

import java.util.Objects;

/**
 * A prompt-cache breakpoint that a client set on one piece of its prompt (Anthropic's {@code cache_control}): the
 * prompt up to and including that piece is worth caching. {@code json} is the marker as the client sent it, a JSON
 * object as text ({@code {"type":"ephemeral"}}, {@code {"type":"ephemeral","ttl":"1h"}}), so that members the vendor
 * adds later pass through unchanged.
 *
 * <p>A provider whose API takes such markers sends each one on the very piece it was on. A provider that caches
 * prompt prefixes by itself (OpenAI-compatible servers, Ollama's KV cache) does not send it: its own caching is the
 * translation. The ingress that reads a marker checks its shape; this record only requires a JSON object's braces.
 */
public record CacheControl(String json) {
    /** {@code {"type":"ephemeral"}}: Anthropic's marker with its default lifetime. */
    public static final CacheControl EPHEMERAL = new CacheControl("{\"type\":\"ephemeral\"}");

    public CacheControl {
        Objects.requireNonNull(json, "json");
        String trimmed = json.strip();
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            throw new IllegalArgumentException("a cache control marker is a JSON object, not " + json);
        }
    }
}
