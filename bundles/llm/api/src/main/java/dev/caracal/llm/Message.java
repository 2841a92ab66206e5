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
}
