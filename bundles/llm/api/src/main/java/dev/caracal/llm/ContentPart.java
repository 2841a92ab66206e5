package dev.caracal.llm;

import java.util.List;
import java.util.Objects;

/**
 * One part of a message: text, an image, a tool call made by the model, a tool result handed back to it, or the
 * model's thinking (its visible reasoning, or the encrypted form a provider redacted).
 *
 * <p>Text, images, tool calls and tool results may carry the client's prompt-cache breakpoint
 * ({@link #cacheControl()}); thinking cannot, as Anthropic does not let a client mark it.
 */
public sealed interface ContentPart
        permits ContentPart.Text,
                ContentPart.Image,
                ContentPart.ToolUse,
                ContentPart.ToolResult,
                ContentPart.Thinking,
                ContentPart.RedactedThinking {

    /** The cache breakpoint the client set on this part, or {@code null} for none. */
    default CacheControl cacheControl() {
        return null;
    }

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

    /** Plain text, with the client's cache breakpoint or {@code null}. */
    record Text(String text, CacheControl cacheControl) implements ContentPart {
        public Text {
            Objects.requireNonNull(text, "text");
        }

        /** Text without a cache breakpoint (the form before {@code cacheControl} existed). */
        public Text(String text) {
            this(text, null);
        }
    }

    /**
     * An image, either inline ({@code data} holds base64 bytes and {@code mediaType} their type) or by reference
     * ({@code url}). Exactly one of {@code data} and {@code url} is set. {@code detail} is the resolution the caller
     * asked the model to read it at (OpenAI's {@code auto}, {@code low}, {@code high}), or {@code null};
     * {@code cacheControl} is the client's cache breakpoint, or {@code null}.
     */
    record Image(String mediaType, String data, String url, String detail, CacheControl cacheControl)
            implements ContentPart {
        public Image {
            if ((data == null) == (url == null)) {
                throw new IllegalArgumentException("an image has either inline data or a url");
            }
        }

        /** An image without a detail level or a cache breakpoint (the form before both existed). */
        public Image(String mediaType, String data, String url) {
            this(mediaType, data, url, null, null);
        }

        /** An image without a cache breakpoint (the form before {@code cacheControl} existed). */
        public Image(String mediaType, String data, String url, String detail) {
            this(mediaType, data, url, detail, null);
        }
    }

    /**
     * A tool call made by the assistant; {@code argumentsJson} is a JSON object as text; {@code cacheControl} the
     * client's cache breakpoint, or {@code null}.
     */
    record ToolUse(String id, String name, String argumentsJson, CacheControl cacheControl) implements ContentPart {
        public ToolUse {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            argumentsJson = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
        }

        /** A tool call without a cache breakpoint (the form before {@code cacheControl} existed). */
        public ToolUse(String id, String name, String argumentsJson) {
            this(id, name, argumentsJson, null);
        }
    }

    /**
     * The result of a tool call, sent back to the model. {@code cacheControl} is the client's cache breakpoint on
     * the result as a whole, or {@code null}; its text and image parts may carry their own.
     */
    record ToolResult(String toolUseId, List<ContentPart> content, boolean isError, CacheControl cacheControl)
            implements ContentPart {
        public ToolResult {
            Objects.requireNonNull(toolUseId, "toolUseId");
            content = content == null ? List.of() : List.copyOf(content);
        }

        /** A tool result without a cache breakpoint (the form before {@code cacheControl} existed). */
        public ToolResult(String toolUseId, List<ContentPart> content, boolean isError) {
            this(toolUseId, content, isError, null);
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
