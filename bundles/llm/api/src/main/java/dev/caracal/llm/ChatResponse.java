package dev.caracal.llm;

import java.util.List;
import java.util.Objects;

/** A complete (non-streamed) answer. {@code model} is the upstream model that produced it. */
public record ChatResponse(String id, String model, List<ContentPart> content, StopReason stopReason, Usage usage) {
    public ChatResponse {
        Objects.requireNonNull(id, "id");
        content = content == null ? List.of() : List.copyOf(content);
        stopReason = stopReason == null ? StopReason.END_TURN : stopReason;
        usage = usage == null ? Usage.ZERO : usage;
    }

    /** The concatenated text of the answer. */
    public String text() {
        return ContentPart.textOf(content);
    }
}
