package dev.caracal.llm;

import java.util.List;
import java.util.Objects;

/** A message of a conversation. */
public record Message(Role role, List<ContentPart> content) {
    public Message {
        Objects.requireNonNull(role, "role");
        content = content == null ? List.of() : List.copyOf(content);
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
