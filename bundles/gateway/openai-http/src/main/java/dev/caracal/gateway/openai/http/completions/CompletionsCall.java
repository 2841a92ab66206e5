package dev.caracal.gateway.openai.http.completions;

import dev.caracal.llm.ChatRequest;
import java.util.Objects;

/**
 * A parsed legacy {@code POST /v1/completions}: the chat request its prompt becomes, and whether a streamed answer
 * ends with a usage chunk ({@code stream_options.include_usage}).
 */
public record CompletionsCall(ChatRequest request, boolean includeUsage) {
    public CompletionsCall {
        Objects.requireNonNull(request, "request");
    }
}
