package dev.caracal.llm;

import java.util.List;
import java.util.Objects;

/**
 * A complete (non-streamed) answer. {@code model} is the upstream model that produced it. {@code extras} is what the
 * vendor's answer held beyond this record ({@link ResponseExtras}), for an ingress of the vendor's format to carry
 * back to the client; never {@code null}.
 */
public record ChatResponse(
        String id, String model, List<ContentPart> content, StopReason stopReason, Usage usage, ResponseExtras extras) {
    public ChatResponse {
        Objects.requireNonNull(id, "id");
        content = content == null ? List.of() : List.copyOf(content);
        stopReason = stopReason == null ? StopReason.END_TURN : stopReason;
        usage = usage == null ? Usage.ZERO : usage;
        extras = extras == null ? ResponseExtras.NONE : extras;
    }

    /** An answer without extras (the form before {@code extras} existed). */
    public ChatResponse(String id, String model, List<ContentPart> content, StopReason stopReason, Usage usage) {
        this(id, model, content, stopReason, usage, null);
    }

    /** The concatenated text of the answer. */
    public String text() {
        return ContentPart.textOf(content);
    }
}
