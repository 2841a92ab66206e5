package dev.caracal.llm;

import java.util.List;
import java.util.Objects;

/**
 * One part of a message: text, an image, a tool call made by the model, a tool result handed back to it, or the
 * model's thinking (its visible reasoning, or the encrypted form a provider redacted).
 */
public sealed interface ContentPart
        permits ContentPart.Text,
                ContentPart.Image,
                ContentPart.ToolUse,
                ContentPart.ToolResult,
                ContentPart.Thinking,
                ContentPart.RedactedThinking {

    /** The text parts of {@code parts}, concatenated in order. */
    static String textOf(List<ContentPart> parts) {
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : parts) {
            if (part instanceof Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /** Plain text. */
    record Text(String text) implements ContentPart {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * An image, either inline ({@code data} holds base64 bytes and {@code mediaType} their type) or by reference
     * ({@code url}). Exactly one of {@code data} and {@code url} is set. {@code detail} is the resolution the caller
     * asked the model to read it at (OpenAI's {@code auto}, {@code low}, {@code high}), or {@code null}.
     */
    record Image(String mediaType, String data, String url, String detail) implements ContentPart {
        public Image {
            if ((data == null) == (url == null)) {
                throw new IllegalArgumentException("an image has either inline data or a url");
            }
        }

        /** An image without a detail level (the form before {@code detail} existed). */
        public Image(String mediaType, String data, String url) {
            this(mediaType, data, url, null);
        }
    }

    /** A tool call made by the assistant; {@code argumentsJson} is a JSON object as text. */
    record ToolUse(String id, String name, String argumentsJson) implements ContentPart {
        public ToolUse {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            argumentsJson = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
        }
    }

    /** The result of a tool call, sent back to the model. */
    record ToolResult(String toolUseId, List<ContentPart> content, boolean isError) implements ContentPart {
        public ToolResult {
            Objects.requireNonNull(toolUseId, "toolUseId");
            content = content == null ? List.of() : List.copyOf(content);
        }
    }

    /**
     * The model's reasoning as text. {@code signature} is the provider's proof that the text is unaltered (Anthropic
     * requires it back, unchanged, when an assistant turn is handed back), or {@code null} when the provider gives
     * none (OpenAI-compatible {@code reasoning_content}, Ollama).
     */
    record Thinking(String text, String signature) implements ContentPart {
        public Thinking {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Reasoning the provider returned encrypted ({@code data}, opaque); handed back unchanged. */
    record RedactedThinking(String data) implements ContentPart {
        public RedactedThinking {
            Objects.requireNonNull(data, "data");
        }
    }
}
