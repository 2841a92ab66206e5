package dev.caracal.gateway.openai.http.codec;

import dev.caracal.llm.ChatRequest;
import java.util.Objects;

/**
 * A parsed {@code POST /v1/chat/completions}: the normalized request, and whether a streamed answer ends with a usage
 * chunk ({@code stream_options.include_usage}).
 */
public record ChatCompletionCall(ChatRequest request, boolean includeUsage) {
    public ChatCompletionCall {
        Objects.requireNonNull(request, "request");
    }
}
