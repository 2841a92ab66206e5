package dev.caracal.llm;

/**
 * One event of a streamed answer. A well-formed stream is {@code Start}, any number of {@code TextDelta},
 * {@code ToolCallDelta}, thinking events ({@code ThinkingDelta}, {@code ThinkingSignature}, {@code RedactedThinking})
 * {@code UsageUpdate} and {@code Extras}, then exactly one of {@code End} or {@code Error}; a stream that fails
 * before it starts is a single {@code Error} (so an ingress can still answer with an HTTP error status).
 * {@code UsageUpdate} carries the totals so far (cumulative), not increments. {@code index} is the
 * position of the content block (text, tool call or thinking) within the answer.
 */
public sealed interface StreamEvent
        permits StreamEvent.Start,
                StreamEvent.TextDelta,
                StreamEvent.ToolCallDelta,
                StreamEvent.ThinkingDelta,
                StreamEvent.ThinkingSignature,
                StreamEvent.RedactedThinking,
                StreamEvent.UsageUpdate,
                StreamEvent.Extras,
                StreamEvent.End,
                StreamEvent.Error {

    record Start(String id, String model) implements StreamEvent {}

    record TextDelta(int index, String text) implements StreamEvent {}

    /** A piece of a tool call; {@code id} and {@code name} are set on the first delta of a call, later ones may omit them. */
    record ToolCallDelta(int index, String id, String name, String argumentsDelta) implements StreamEvent {}

    /** A piece of the model's reasoning text (block {@code index}, a {@link ContentPart.Thinking}). */
    record ThinkingDelta(int index, String text) implements StreamEvent {}

    /** The signature of thinking block {@code index}, after its text (see {@link ContentPart.Thinking}). */
    record ThinkingSignature(int index, String signature) implements StreamEvent {}

    /** A whole redacted thinking block (see {@link ContentPart.RedactedThinking}). */
    record RedactedThinking(int index, String data) implements StreamEvent {}

    record UsageUpdate(Usage usage) implements StreamEvent {}

    /**
     * Members of one upstream event that the other events do not model ({@link ResponseExtras}, scoped to the kind of
     * event they came with), sent just before the events made from that same upstream event, so an ingress of the
     * vendor's format can write them on what it sends for it. Consumers that do not carry them ignore them.
     *
     * @since 1.4
     */
    record Extras(ResponseExtras extras) implements StreamEvent {}

    record End(StopReason stopReason) implements StreamEvent {}

    record Error(LlmException error) implements StreamEvent {}
}
