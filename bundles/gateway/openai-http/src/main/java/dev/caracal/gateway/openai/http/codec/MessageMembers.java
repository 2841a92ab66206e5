package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ContentPart;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The members a message, a content part, a tool and a tool call may have, so that one the parser does not read is refused with a 400
 * naming it (as OpenAI refuses unknown members inside messages) instead of being ignored. JSON {@code null} members
 * say nothing and pass. The members an assistant message echoed back from a response carries ({@code refusal},
 * {@code annotations}, {@code audio}, {@code function_call}) are known: empty ones pass, others are read or refused
 * by the parser.
 */
final class MessageMembers {
    private static final Set<String> PLAIN = Set.of("role", "content", "name", "cache_control");

    private static final Map<String, Set<String>> BY_ROLE = Map.of(
            "system", PLAIN,
            "developer", PLAIN,
            "user", PLAIN,
            "assistant",
                    Set.of(
                            "role",
                            "content",
                            "name",
                            "cache_control",
                            "tool_calls",
                            "refusal",
                            "reasoning_content",
                            "function_call",
                            "audio",
                            "annotations"),
            "tool", Set.of("role", "content", "tool_call_id", "cache_control"));

    /** (The members of audio and file parts are known so that their type is what is refused, with its reason.) */
    private static final Set<String> PART =
            Set.of("type", "text", "image_url", "refusal", "cache_control", "input_audio", "file");

    private static final Set<String> IMAGE_URL = Set.of("url", "detail");

    private MessageMembers() {}

    /** Refuses a member of message {@code m} of {@code role} (at {@code p}) that the parser does not read. */
    static void checkMessage(JsonNode m, String role, String p) {
        Set<String> known = BY_ROLE.get(role);
        if (known != null) {
            check(m, known, p, "a " + role + " message");
        }
        if (role.equals("assistant")) {
            JsonNode audio = Fields.get(m, "audio");
            if (audio != null) {
                throw InvalidRequestException.unsupported(
                        Fields.path(p, "audio"), "audio outputs are not supported by this gateway.");
            }
            JsonNode annotations = Fields.get(m, "annotations");
            if (annotations != null && !(annotations.isArray() && annotations.isEmpty())) {
                throw InvalidRequestException.unsupported(
                        Fields.path(p, "annotations"),
                        "annotations of an earlier answer cannot be carried to a model; send the message without"
                                + " them.");
            }
        }
    }

    /** Refuses a member of content part {@code part} (at {@code p}) that the parser does not read. */
    static void checkPart(JsonNode part, String p) {
        check(part, PART, p, "a content part");
        JsonNode image = Fields.get(part, "image_url");
        if (image != null && image.isObject()) {
            check(image, IMAGE_URL, Fields.path(p, "image_url"), "an image_url");
        }
    }

    /** The members of a tool, its function, a tool call and its function. */
    static final Set<String> TOOL = Set.of("type", "function", "cache_control");

    static final Set<String> TOOL_FUNCTION = Set.of("name", "description", "parameters", "strict");
    static final Set<String> TOOL_CALL = Set.of("id", "type", "function", "index");
    static final Set<String> TOOL_CALL_FUNCTION = Set.of("name", "arguments");

    /** Refuses a member of {@code obj} (at {@code p}, described as {@code what}) that is not {@code known}. */
    static void check(JsonNode obj, Set<String> known, String p, String what) {
        Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey()) && !e.getValue().isNull()) {
                throw new InvalidRequestException(
                        Fields.path(p, e.getKey()),
                        "unknown_parameter",
                        "Unrecognized member '" + e.getKey() + "' of " + what + " at " + p + ": this gateway does"
                                + " not know it, and will not drop it. Leave it out.");
            }
        }
    }

    /**
     * A message-level {@code cache_control} (LiteLLM's convention: the message as a whole is a cache breakpoint) as a
     * marker on the message's last part; a marker the part has of its own is kept.
     */
    static List<ContentPart> markLast(List<ContentPart> parts, CacheControl marker) {
        if (marker == null || parts.isEmpty()) {
            return parts;
        }
        int last = parts.size() - 1;
        ContentPart part = parts.get(last);
        if (part.cacheControl() != null) {
            return parts;
        }
        ContentPart marked = part;
        if (part instanceof ContentPart.Text t) {
            marked = new ContentPart.Text(t.text(), marker);
        } else if (part instanceof ContentPart.Image i) {
            marked = new ContentPart.Image(i.mediaType(), i.data(), i.url(), i.detail(), marker);
        } else if (part instanceof ContentPart.ToolUse u) {
            marked = new ContentPart.ToolUse(u.id(), u.name(), u.argumentsJson(), marker);
        } else if (part instanceof ContentPart.ToolResult r) {
            marked = new ContentPart.ToolResult(r.toolUseId(), r.content(), r.isError(), marker);
        }
        List<ContentPart> out = new ArrayList<>(parts);
        out.set(last, marked);
        return out;
    }
}
