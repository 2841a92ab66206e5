package dev.caracal.llm.ollama.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.ResponseFormat;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Uncarriable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a normalized {@link ChatRequest} as the body of Ollama's {@code POST /api/chat}.
 *
 * <ul>
 *   <li>the system prompt becomes the first {@code system} message;</li>
 *   <li>user messages: the text as {@code content}, inline images (base64, or a {@code data:} URL) in the
 *       {@code images} list; Ollama cannot fetch an image URL, so one is an {@code INVALID_REQUEST}. Tool results in
 *       a user message (the Anthropic shape) become {@code tool} messages placed before the rest of it;</li>
 *   <li>assistant messages: text plus {@code tool_calls}, whose {@code arguments} Ollama takes as a JSON object
 *       (not as text, as OpenAI does); the assistant's thinking goes back in the message's {@code thinking} field
 *       (its thinking parts concatenated), redacted thinking (Anthropic's encrypted form, which Ollama cannot
 *       read) is left out;</li>
 *   <li>tool results: one {@code tool} message each, with {@code tool_name} (the name of the call it answers, looked
 *       up in the conversation; Ollama matches results by name) and {@code tool_call_id}; an error result is
 *       prefixed {@code Error: } since Ollama has no error flag;</li>
 *   <li>tools as {@code function} tools with their JSON schema. Ollama has no tool_choice: {@code NONE} sends no
 *       tools, a named tool sends that tool only, {@code REQUIRED} cannot be enforced and sends them all;</li>
 *   <li>{@code options}: temperature, top_p, top_k, num_predict (the output limit), stop, seed,
 *       presence_penalty, frequency_penalty;</li>
 *   <li>{@code format}: {@code "json"} or a JSON schema, from the request's response format (structured outputs),
 *       else from the request metadata key {@value #RESPONSE_FORMAT_KEY};</li>
 *   <li>{@code think} from the request's reasoning options (see {@link #think}); none when the caller asked for
 *       none, so that the model's default applies;</li>
 *   <li>{@code keep_alive} from the configuration, a number when it is one;</li>
 *   <li>a client's extras ({@link RequestExtras}: members of its OpenAI or Anthropic body that the normalized request
 *       does not model) mean nothing to Ollama's API: refused, naming them.</li>
 * </ul>
 */
final class RequestMapper {

    /** Metadata key carrying the wanted output format: {@code json}, or a JSON schema object as text. */
    static final String RESPONSE_FORMAT_KEY = "caracal.response_format";

    /** The wire format this provider speaks ({@link RequestExtras#format}): no client speaks it. */
    static final String FORMAT = "ollama";

    private final String keepAlive;
    private final String providerId;

    RequestMapper(String keepAlive, String providerId) {
        this.keepAlive = keepAlive;
        this.providerId = providerId;
    }

    ObjectNode toBody(ChatRequest request, boolean stream) {
        LlmException refused = request.extras().refusal(providerId, FORMAT);
        if (refused != null) {
            throw refused;
        }
        Uncarriable.refuseInMessages(request, providerId, "Ollama");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        if (request.system() != null && !request.system().isEmpty()) {
            messages.addObject().put("role", "system").put("content", request.system());
        }
        Map<String, String> toolNames = new HashMap<>();
        for (Message message : request.messages()) {
            switch (message.role()) {
                case USER -> addUser(messages, message, toolNames);
                case ASSISTANT -> addAssistant(messages, message, toolNames);
                case TOOL -> addToolResults(messages, message.content(), toolNames);
                default -> throw invalid("unknown role " + message.role());
            }
        }
        addTools(body, request);
        ResponseFormat wanted = request.responseFormat();
        String format = request.metadata().get(RESPONSE_FORMAT_KEY);
        if (wanted != null) {
            // structured outputs: "json" for any JSON, the schema itself for a schema
            body.set(
                    "format",
                    wanted.type() == ResponseFormat.Type.JSON_OBJECT
                            ? Json.MAPPER.getNodeFactory().textNode("json")
                            : Json.tryParse(wanted.schemaJson()));
        } else if (format != null && !format.isBlank()) {
            body.set("format", format(format));
        }
        ObjectNode options = options(request);
        if (!options.isEmpty()) {
            body.set("options", options);
        }
        if (request.reasoning() != null) {
            body.set("think", think(request.reasoning()));
        }
        body.put("stream", stream);
        putKeepAlive(body, keepAlive);
        return body;
    }

    /**
     * Ollama's {@code think}: {@code true}, {@code false} (reasoning turned off), or a level ({@code "low"}, {@code "medium"},
     * {@code "high"}) for the models that take levels (gpt-oss). Ollama has no thinking budget, so a caller who gave
     * only a budget gets {@code true} (the model thinks, as long as it likes); a caller who gave an effort gets that
     * level, MINIMAL (which Ollama does not have) as {@code "low"}, the smallest it has.
     */
    static JsonNode think(Reasoning reasoning) {
        if (!reasoning.enabled()) {
            return Json.MAPPER.getNodeFactory().booleanNode(false);
        }
        if (reasoning.effort() == null) {
            return Json.MAPPER.getNodeFactory().booleanNode(true);
        }
        Reasoning.Effort level = reasoning.effortOrMapped();
        if (level == Reasoning.Effort.MINIMAL) {
            level = Reasoning.Effort.LOW;
        }
        return Json.MAPPER.getNodeFactory().textNode(level.wireName());
    }

    /** Ollama reads {@code keep_alive} as a Go duration string or a number of seconds. */
    static void putKeepAlive(ObjectNode body, String keepAlive) {
        if (keepAlive == null) {
            return;
        }
        if (keepAlive.matches("-?\\d+")) {
            body.put("keep_alive", Long.parseLong(keepAlive));
        } else if (keepAlive.matches("-?\\d+\\.\\d+")) {
            body.put("keep_alive", Double.parseDouble(keepAlive));
        } else {
            body.put("keep_alive", keepAlive);
        }
    }

    private static JsonNode format(String format) {
        String f = format.trim();
        if ("json".equalsIgnoreCase(f) || "json_object".equalsIgnoreCase(f)) {
            return Json.MAPPER.getNodeFactory().textNode("json");
        }
        JsonNode schema = Json.tryParse(f);
        if (schema == null || !schema.isObject()) {
            throw invalid("metadata " + RESPONSE_FORMAT_KEY + " is \"json\" or a JSON schema object");
        }
        // an OpenAI response_format object carries the schema inside
        JsonNode inner = schema.path("json_schema").path("schema");
        return inner.isObject() ? inner : schema;
    }

    private static ObjectNode options(ChatRequest request) {
        ObjectNode options = Json.MAPPER.createObjectNode();
        SamplingParameters s = request.sampling();
        if (s.temperature() != null) {
            options.put("temperature", s.temperature());
        }
        if (s.topP() != null) {
            options.put("top_p", s.topP());
        }
        if (s.topK() != null) {
            options.put("top_k", s.topK());
        }
        if (s.maxTokens() != null) {
            options.put("num_predict", s.maxTokens());
        }
        if (s.seed() != null) {
            options.put("seed", s.seed());
        }
        if (s.presencePenalty() != null) {
            options.put("presence_penalty", s.presencePenalty());
        }
        if (s.frequencyPenalty() != null) {
            options.put("frequency_penalty", s.frequencyPenalty());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = options.putArray("stop");
            request.stop().forEach(stop::add);
        }
        return options;
    }

    private static void addTools(ObjectNode body, ChatRequest request) {
        if (request.tools().isEmpty()) {
            return;
        }
        ToolChoice choice = request.toolChoice();
        if (choice.mode() == ToolChoice.Mode.NONE) {
            return; // Ollama has no tool_choice: offering no tool is how to forbid them
        }
        List<ToolDefinition> offered = request.tools();
        if (choice.mode() == ToolChoice.Mode.TOOL) {
            offered = offered.stream()
                    .filter(t -> t.name().equals(choice.toolName()))
                    .toList();
            if (offered.isEmpty()) {
                throw invalid("tool_choice names the tool " + choice.toolName() + ", which the request does not offer");
            }
        }
        ArrayNode tools = body.putArray("tools");
        for (ToolDefinition tool : offered) {
            ObjectNode function = tools.addObject().put("type", "function").putObject("function");
            function.put("name", tool.name());
            if (tool.description() != null) {
                function.put("description", tool.description());
            }
            JsonNode schema = Json.tryParse(tool.inputSchemaJson());
            if (schema == null || !schema.isObject()) {
                throw invalid("the input schema of tool " + tool.name() + " is not a JSON object");
            }
            function.set("parameters", schema);
        }
    }

    private static void addUser(ArrayNode messages, Message message, Map<String, String> toolNames) {
        List<ContentPart> rest = new ArrayList<>();
        List<ContentPart> toolResults = new ArrayList<>();
        for (ContentPart part : message.content()) {
            if (part instanceof ContentPart.ToolResult) {
                toolResults.add(part);
            } else if (part instanceof ContentPart.ToolUse) {
                throw invalid("a user message cannot hold a tool call");
            } else {
                rest.add(part);
            }
        }
        addToolResults(messages, toolResults, toolNames);
        if (!rest.isEmpty() || toolResults.isEmpty()) {
            ObjectNode m = messages.addObject().put("role", "user").put("content", ContentPart.textOf(rest));
            ArrayNode images = null;
            for (ContentPart part : rest) {
                if (part instanceof ContentPart.Image image) {
                    if (images == null) {
                        images = m.putArray("images");
                    }
                    images.add(imageData(image));
                }
            }
        }
    }

    /** Ollama takes images as bare base64; a {@code data:} URL is unwrapped, any other URL refused. */
    static String imageData(ContentPart.Image image) {
        if (image.data() != null) {
            return image.data();
        }
        String url = image.url();
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = url.indexOf(',');
            if (comma > 0
                    && url.substring(0, comma)
                            .toLowerCase(java.util.Locale.ROOT)
                            .endsWith(";base64")) {
                return url.substring(comma + 1);
            }
            throw invalid("an image data: URL must be base64-encoded");
        }
        throw invalid("Ollama takes inline images only (base64 data or a data: URL), not a link: "
                + (url.length() > 80 ? url.substring(0, 80) + "..." : url));
    }

    private static void addAssistant(ArrayNode messages, Message message, Map<String, String> toolNames) {
        ObjectNode m = messages.addObject().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ArrayNode calls = null;
        for (ContentPart part : message.content()) {
            if (part instanceof ContentPart.Text t) {
                text.append(t.text());
            } else if (part instanceof ContentPart.Thinking t) {
                thinking.append(t.text());
            } else if (part instanceof ContentPart.RedactedThinking) {
                continue; // encrypted for another provider: nothing Ollama could read
            } else if (part instanceof ContentPart.ToolUse use) {
                if (calls == null) {
                    calls = Json.MAPPER.createArrayNode();
                }
                JsonNode arguments = Json.tryParse(use.argumentsJson());
                if (arguments == null || !arguments.isObject()) {
                    throw invalid(
                            "the arguments of tool call " + use.id() + " (" + use.name() + ") are not a JSON object");
                }
                ObjectNode call = calls.addObject();
                if (!use.id().isEmpty()) {
                    call.put("id", use.id());
                }
                call.putObject("function").put("name", use.name()).set("arguments", arguments);
                toolNames.put(use.id(), use.name());
            } else {
                throw invalid("an assistant message holds text, thinking and tool calls only, not "
                        + part.getClass().getSimpleName());
            }
        }
        m.put("content", text.toString());
        if (!thinking.isEmpty()) {
            m.put("thinking", thinking.toString());
        }
        if (calls != null) {
            m.set("tool_calls", calls);
        }
    }

    private static void addToolResults(ArrayNode messages, List<ContentPart> parts, Map<String, String> toolNames) {
        for (ContentPart part : parts) {
            if (!(part instanceof ContentPart.ToolResult result)) {
                throw invalid("a tool message holds tool results only");
            }
            String text = ContentPart.textOf(result.content());
            ObjectNode m =
                    messages.addObject().put("role", "tool").put("content", result.isError() ? "Error: " + text : text);
            String name = toolNames.get(result.toolUseId());
            if (name != null) {
                m.put("tool_name", name);
            }
            m.put("tool_call_id", result.toolUseId());
        }
    }

    private static LlmException invalid(String message) {
        return new LlmException(ErrorKind.INVALID_REQUEST, message);
    }
}
