package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ResponseFormat;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.support.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Structured outputs on the Messages API, which has no response format: the request offers one tool whose input
 * schema is the wanted schema ({@code json_object}: any object) and makes the model call it; the call's input is the
 * answer, returned as the message's text (streamed as text deltas) with the stop reason of a finished turn. Refused,
 * naming {@code response_format}, where this cannot work: beside the caller's own tools (the forced call would keep
 * the model from using them) and with thinking on (Anthropic does not allow forcing a tool while thinking).
 *
 * <p>An Anthropic client that asked in Anthropic's own terms ({@code output_config.format}, or the beta's
 * {@code output_format}) has its members sent to Claude as they are, and no tool is forced.
 */
final class StructuredOutput {
    /** The tool's name for {@code json_object}. */
    static final String JSON_OBJECT_TOOL = "json_object";

    private StructuredOutput() {}

    /** The members an Anthropic client asked for structured output with, sent to Claude as they are. */
    static final Set<String> NATIVE_MEMBERS = Set.of("output_config", "output_format");

    /**
     * An Anthropic client's own structured-output members ({@code output_config}, the beta's {@code output_format}),
     * which Claude is sent verbatim instead of the forced tool; empty for other clients.
     */
    static Map<String, String> nativeMembers(ChatRequest request) {
        if (!RequestMapper.FORMAT.equals(request.extras().format())) {
            return Map.of();
        }
        Map<String, String> found = new TreeMap<>();
        request.extras().originals().forEach((name, raw) -> {
            if (NATIVE_MEMBERS.contains(name)) {
                found.put(name, raw);
            }
        });
        return found;
    }

    /** The tool the model is made to call, or {@code null} when the request wants free text or asks natively. */
    static String toolName(ChatRequest request) {
        ResponseFormat f = request.responseFormat();
        if (f == null || !nativeMembers(request).isEmpty()) {
            return null;
        }
        return f.type() == ResponseFormat.Type.JSON_SCHEMA ? f.name() : JSON_OBJECT_TOOL;
    }

    /** Adds the tool and forces it, when the request asks for structured output. */
    static void ask(ChatRequest request, ObjectNode body, String providerId) {
        Map<String, String> nativeMembers = nativeMembers(request);
        if (!nativeMembers.isEmpty()) {
            nativeMembers.forEach((name, raw) -> body.putRawValue(name, new RawValue(raw)));
            return;
        }
        String tool = toolName(request);
        if (tool == null) {
            return;
        }
        if (!request.tools().isEmpty()) {
            throw refused("beside tools", providerId);
        }
        if (request.reasoning() != null && request.reasoning().enabled()) {
            throw refused("with thinking on", providerId);
        }
        ResponseFormat f = request.responseFormat();
        JsonNode schema = f.schemaJson() == null
                ? Json.MAPPER.createObjectNode().put("type", "object")
                : Json.tryParse(f.schemaJson());
        if (schema == null
                || !schema.isObject()
                || !"object".equals(schema.path("type").asText())) {
            throw new LlmException(
                    ErrorKind.INVALID_REQUEST,
                    "response_format.json_schema.schema: provider '" + providerId + "' (Anthropic) takes a schema"
                            + " whose root is an object ({\"type\":\"object\",...})");
        }
        ArrayNode tools = body.putArray("tools");
        ObjectNode t = tools.addObject().put("name", tool);
        t.put(
                "description",
                f.description() != null && !f.description().isBlank()
                        ? f.description()
                        : "Give the answer as this tool's input, which is the response the user asked for.");
        t.set("input_schema", schema);
        body.putObject("tool_choice").put("type", "tool").put("name", tool);
    }

    private static LlmException refused(String where, String providerId) {
        return new LlmException(
                ErrorKind.INVALID_REQUEST,
                "response_format cannot be carried " + where + " to provider '" + providerId + "' (Anthropic): the"
                        + " gateway asks Claude for structured output through a tool call it forces");
    }

    /** The answer with the forced call's input as its text, when the request asked for structured output. */
    static ChatResponse answer(ChatRequest request, ChatResponse response) {
        String tool = toolName(request);
        if (tool == null) {
            return response;
        }
        List<ContentPart> content = new ArrayList<>();
        boolean found = false;
        for (ContentPart part : response.content()) {
            if (part instanceof ContentPart.ToolUse use && use.name().equals(tool)) {
                content.add(new ContentPart.Text(use.argumentsJson()));
                found = true;
            } else if (!(part instanceof ContentPart.Text text && text.text().isBlank())) {
                content.add(part);
            }
        }
        StopReason stop =
                found && response.stopReason() == StopReason.TOOL_USE ? StopReason.END_TURN : response.stopReason();
        return new ChatResponse(response.id(), response.model(), content, stop, response.usage(), response.extras());
    }

    /** {@code handler}, seeing the forced call's input as text deltas, when the request asked for structured output. */
    static StreamHandler stream(ChatRequest request, StreamHandler handler) {
        String tool = toolName(request);
        if (tool == null) {
            return handler;
        }
        return new StreamHandler() {
            private boolean called;

            @Override
            public void onEvent(StreamEvent event) {
                if (event instanceof StreamEvent.ToolCallDelta d && (tool.equals(d.name()) || called)) {
                    called = true;
                    if (d.argumentsDelta() != null && !d.argumentsDelta().isEmpty()) {
                        handler.onEvent(new StreamEvent.TextDelta(d.index(), d.argumentsDelta()));
                    }
                } else if (event instanceof StreamEvent.End end && called && end.stopReason() == StopReason.TOOL_USE) {
                    handler.onEvent(new StreamEvent.End(StopReason.END_TURN));
                } else {
                    handler.onEvent(event);
                }
            }
        };
    }
}
