package dev.caracal.llm.ollama.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.Usage;
import dev.caracal.llm.support.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads Ollama's {@code /api/chat} answers: a whole answer, and the pieces shared with the NDJSON lines of a stream
 * (thinking, tool calls, {@code done_reason}, token counts).
 */
final class ResponseMapper {

    private ResponseMapper() {}

    static ChatResponse toResponse(JsonNode root, String requestedModel, String id) {
        if (root == null || !root.isObject()) {
            throw malformedShape("the answer is not a JSON object");
        }
        String error = errorText(root);
        if (error != null) {
            throw new LlmException(ErrorKind.UPSTREAM, "Ollama answered with an error: " + error, 200, null, null);
        }
        JsonNode message = root.get("message");
        if (message == null || !message.isObject()) {
            throw malformedShape("the answer has no message");
        }
        List<ContentPart> content = new ArrayList<>();
        String thinking = thinkingOf(message);
        if (thinking != null && !thinking.isEmpty()) {
            content.add(new ContentPart.Thinking(thinking, null));
        }
        String text = Json.textOrNull(message.get("content"));
        if (text != null && !text.isEmpty()) {
            content.add(new ContentPart.Text(text));
        }
        List<ContentPart.ToolUse> calls = toolCalls(message.get("tool_calls"), 0);
        content.addAll(calls);
        StopReason stop = stopReason(Json.textOrNull(root.get("done_reason")), !calls.isEmpty());
        return new ChatResponse(id, modelOf(root, requestedModel), content, stop, usage(root));
    }

    /**
     * The model's reasoning in a message (or a piece of it, in a stream line): Ollama's {@code thinking} field. A
     * message without one (or with an empty one) is read for {@code reasoning_content}, the OpenAI-compatible name,
     * which a server imitating Ollama's API may use instead (the aimock test server does). {@code null} when there is
     * neither.
     */
    static String thinkingOf(JsonNode message) {
        String thinking = Json.textOrNull(message.get("thinking"));
        return thinking != null && !thinking.isEmpty() ? thinking : Json.textOrNull(message.get("reasoning_content"));
    }

    /** The text of an Ollama error object ({@code {"error": "..."}}; some proxies nest {@code {"message"}}). */
    static String errorText(JsonNode root) {
        JsonNode error = root == null ? null : root.get("error");
        if (error == null || error.isNull()) {
            return null;
        }
        if (error.isObject()) {
            return error.path("message").asText(Json.write(error));
        }
        return error.asText();
    }

    static String modelOf(JsonNode root, String requestedModel) {
        String model = Json.textOrNull(root.get("model"));
        return model == null || model.isEmpty() ? requestedModel : model;
    }

    /**
     * The tool calls of a message. Ollama sends each call whole, its {@code arguments} a JSON object; it may send no
     * id (older servers never do), so an id is derived from the call's position ({@code firstIndex} + its place in
     * the list), name and arguments: the same answer always gets the same ids.
     */
    static List<ContentPart.ToolUse> toolCalls(JsonNode calls, int firstIndex) {
        List<ContentPart.ToolUse> out = new ArrayList<>();
        if (calls == null || !calls.isArray()) {
            return out;
        }
        int i = firstIndex;
        for (JsonNode call : calls) {
            JsonNode function = call.path("function");
            String name = function.path("name").asText("");
            if (name.isEmpty()) {
                throw malformedShape("a tool call has no function name");
            }
            String arguments = arguments(function.get("arguments"));
            String id = call.path("id").asText("");
            if (id.isEmpty()) {
                id = stableId(i, name, arguments);
            }
            out.add(new ContentPart.ToolUse(id, name, arguments));
            i++;
        }
        return out;
    }

    /** Arguments arrive as a JSON object; a server that sends them as text is taken at its word. */
    static String arguments(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "{}";
        }
        return node.isTextual() ? node.asText() : Json.write(node);
    }

    /** {@code call_} + 24 hex digits of SHA-256 over position, name and arguments. */
    static String stableId(int index, String name, String arguments) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] hash = sha.digest((index + "\u0000" + name + "\u0000" + arguments).getBytes(StandardCharsets.UTF_8));
            return "call_" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code stop} is the natural end (or a stop sequence: Ollama does not tell them apart), {@code length} the
     * output limit; {@code load}/{@code unload} come with no output. An answer with tool calls ends in TOOL_USE
     * (Ollama still says {@code stop}).
     */
    static StopReason stopReason(String doneReason, boolean hasToolCalls) {
        if ("length".equals(doneReason)) {
            return StopReason.MAX_TOKENS;
        }
        return hasToolCalls ? StopReason.TOOL_USE : StopReason.END_TURN;
    }

    /** {@code prompt_eval_count} (absent when the whole prompt came from Ollama's cache) and {@code eval_count}. */
    static Usage usage(JsonNode root) {
        return new Usage(
                root.path("prompt_eval_count").asLong(0),
                root.path("eval_count").asLong(0),
                0,
                0);
    }

    static LlmException malformedShape(String what) {
        return new LlmException(ErrorKind.UPSTREAM, "malformed answer from Ollama: " + what, 200, null, null);
    }
}
