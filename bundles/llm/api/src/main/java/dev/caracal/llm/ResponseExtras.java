package dev.caracal.llm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider's answer held that the normalized {@link ChatResponse} or {@link StreamEvent}s do not model: members
 * of the vendor's response object such as OpenAI's {@code system_fingerprint}, {@code service_tier} or a choice's
 * {@code logprobs}, or Anthropic's {@code stop_sequence} or {@code usage.server_tool_use}, each as its raw JSON text.
 * An ingress that speaks {@code format} writes every member back, verbatim and at the same place, into what it sends
 * the client, so a member the vendor adds next month reaches the client on day one; an ingress of another format
 * cannot know what the members mean and leaves them out.
 *
 * <p>Providers collect them only when the request came in the client's format that matches their own
 * ({@link RequestExtras#format()}), so other calls pay nothing for them.
 *
 * @param format  the provider's wire format ({@code openai}, {@code anthropic})
 * @param scope   the object of the vendor's answer the members belong to: {@link #RESPONSE} for a whole answer; in a
 *                stream, the kind of event they came with ({@link #CHUNK} for OpenAI, the event type such as
 *                {@code message_start} or {@code message_delta} for Anthropic)
 * @param members a JSON Pointer into that object (RFC 6901, such as {@code /choices/0/logprobs}) to the raw JSON value
 *                found there, in the order the provider met them
 * @since 1.4
 */
public record ResponseExtras(String format, String scope, Map<String, String> members) {
    /** The scope of members of a whole (non-streamed) answer. */
    public static final String RESPONSE = "response";

    /** The scope of members of an OpenAI {@code chat.completion.chunk}. */
    public static final String CHUNK = "chunk";

    /** Nothing beyond the normalized answer. */
    public static final ResponseExtras NONE = new ResponseExtras(null, RESPONSE, Map.of());

    public ResponseExtras {
        Objects.requireNonNull(scope, "scope");
        members = members == null || members.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** Whether there is nothing to carry. */
    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** Whether an ingress speaking {@code ingressFormat} should write these members back. */
    public boolean carriableTo(String ingressFormat) {
        return !members.isEmpty() && Objects.equals(format, ingressFormat);
    }
}
