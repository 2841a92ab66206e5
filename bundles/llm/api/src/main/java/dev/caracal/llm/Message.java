package dev.caracal.llm;

import java.util.List;
import java.util.Objects;

/**
 * A message of a conversation. {@code name} is the participant who speaks it (OpenAI's message {@code name}, which
 * tells apart speakers sharing a role), or {@code null}.
 */
public record Message(Role role, List<ContentPart> content, String name) {
    public Message {
        Objects.requireNonNull(role, "role");
        content = content == null ? List.of() : List.copyOf(content);
    }

    /** A message without a participant name (the form before {@code name} existed). */
    public Message(Role role, List<ContentPart> content) {
        this(role, content, null);
    }

    public static Message user(String text) {
        return new Message(Role.USER, List.of(new ContentPart.Text(text)));
    }

    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, List.of(new ContentPart.Text(text)));
    }

    /** The concatenated text parts of this message. */
    public String text() {
        return ContentPart.textOf(content);
    }

    /**
     * The failure of a provider that has no participant names ({@code providerId}, of {@code vendor}) when a message of
     * {@code request} names one: an {@link ErrorKind#INVALID_REQUEST} naming it, or {@code null} when none does.
     *
     * @since 1.4
     */
    public static LlmException nameRefusal(ChatRequest request, String providerId, String vendor) {
        for (Message m : request.messages()) {
            if (m.name() != null) {
                return new LlmException(
                        ErrorKind.INVALID_REQUEST,
                        "the " + m.role().name().toLowerCase(java.util.Locale.ROOT) + " message named '" + m.name()
                                + "' cannot be carried to provider '" + providerId + "': " + vendor
                                + " messages have no participant name; leave 'name' out, or say who speaks in the"
                                + " message's text");
            }
        }
        return null;
    }
}
