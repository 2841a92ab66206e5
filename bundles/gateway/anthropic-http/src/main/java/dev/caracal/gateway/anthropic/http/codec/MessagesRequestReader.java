package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.ResponseFormat;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates an Anthropic Messages API request body and translates it to a normalized {@link ChatRequest}. Every
 * rejection is an {@link AnthropicError} 400 whose message starts with the path of the offending field, as Anthropic
 * writes it ({@code messages.1.content.0.type: ...}).
 *
 * <p>A top-level member it does not model is kept verbatim in the request's {@link RequestExtras} (see
 * {@link #extraFields}), never dropped.
 *
 * <p>This class reads the top-level fields ({@code model}, {@code stream}, {@code system},
 * {@code stop_sequences}, {@code metadata}) and assembles the request; the rest is read by {@link SamplingReader}
 * ({@code max_tokens}, sampling, {@code thinking}), {@link ToolReader} ({@code tools}, {@code tool_choice}) and
 * {@link MessageReader} ({@code messages} and their content blocks), in the order the fields are validated.
 */
public final class MessagesRequestReader {

    /**
     * Metadata key under which {@code metadata.user_id} reaches the gateway's filters; the same key the OpenAI
     * ingress uses for its {@code user} field, so filters see one caller attribute whichever API was used.
     */
    public static final String METADATA_USER_ID = "user";

    /** The wire format of the requests this reader reads ({@link RequestExtras#format}). */
    public static final String FORMAT = "anthropic";

    static final Set<String> KNOWN_FIELDS = Set.of(
            "model",
            "max_tokens",
            "messages",
            "system",
            "tools",
            "tool_choice",
            "temperature",
            "top_p",
            "top_k",
            "stop_sequences",
            "metadata",
            "stream",
            "thinking",
            OutputFormatReader.OUTPUT_FORMAT,
            OutputFormatReader.OUTPUT_CONFIG);

    private MessagesRequestReader() {}

    /** The normalized request for a {@code POST /v1/messages} body (a JSON object). */
    public static ChatRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw AnthropicError.invalid(null, "the request body must be a JSON object");
        }
        String model = RequestFields.requiredString(body, "model");
        if (model.isBlank()) {
            throw AnthropicError.invalid("model", "must not be empty");
        }
        int maxTokens = SamplingReader.maxTokens(body.get("max_tokens"));
        Double temperature = SamplingReader.unitInterval(body, "temperature");
        Double topP = SamplingReader.unitInterval(body, "top_p");
        Integer topK = SamplingReader.topK(body.get("top_k"));
        boolean stream = RequestFields.optionalBoolean(body, "stream", false);
        Reasoning reasoning = SamplingReader.thinking(body.get("thinking"), maxTokens);
        List<ContentPart.Text> system = system(body.get("system"));
        List<ToolDefinition> tools = ToolReader.tools(body.get("tools"));
        ToolChoice toolChoice = ToolReader.toolChoice(body.get("tool_choice"), tools);
        List<Message> messages = MessageReader.messages(body.get("messages"));
        List<String> stop = stopSequences(body.get("stop_sequences"));
        Map<String, String> metadata = metadata(body.get("metadata"));
        SamplingParameters sampling = new SamplingParameters(temperature, topP, topK, maxTokens, null, null, null);
        Map<String, String> originals = new java.util.TreeMap<>();
        ResponseFormat responseFormat = OutputFormatReader.read(body, originals);
        return new ChatRequest(
                model,
                null, // the system blocks' text
                messages,
                tools,
                toolChoice,
                sampling,
                stop,
                stream,
                metadata,
                reasoning,
                new RequestExtras(FORMAT, extraFields(body), null, originals),
                responseFormat,
                system);
    }

    /**
     * The top-level members this reader does not model ({@code service_tier}, {@code container},
     * {@code mcp_servers}, a top-level {@code cache_control}, or one Anthropic adds next month), each as its raw
     * JSON: an Anthropic provider sends them upstream verbatim (so the API itself accepts or refuses them), a provider
     * of another format refuses the call naming them.
     */
    static Map<String, String> extraFields(JsonNode body) {
        Map<String, String> extras = dev.caracal.core.json.Json.membersExcept(body, KNOWN_FIELDS);
        if (!OutputFormatReader.readsOutputConfig(body) && body.hasNonNull(OutputFormatReader.OUTPUT_CONFIG)) {
            // more than a format (an effort, ...): carried whole to Claude, refused by name by others
            extras.put(
                    OutputFormatReader.OUTPUT_CONFIG,
                    body.get(OutputFormatReader.OUTPUT_CONFIG).toString());
        }
        return extras;
    }

    /**
     * The system prompt as the client divided it: a string is one block, an array of text blocks keeps its blocks and
     * each block's cache breakpoint. The request's {@code system} is their text joined by a blank line.
     */
    private static List<ContentPart.Text> system(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return node.asText().isEmpty() ? List.of() : List.of(new ContentPart.Text(node.asText()));
        }
        if (!node.isArray()) {
            throw AnthropicError.invalid("system", "Input should be a string or an array of text blocks");
        }
        List<ContentPart.Text> blocks = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "system." + i;
            JsonNode block = node.get(i);
            if (!block.isObject()) {
                throw AnthropicError.invalid(path, "Input should be an object");
            }
            String type = RequestFields.requiredString(block, "type", path);
            if (!type.equals("text")) {
                throw AnthropicError.invalid(path + ".type", "Input should be 'text'");
            }
            blocks.add(MessageReader.text(block, path));
        }
        return blocks;
    }

    private static List<String> stopSequences(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw AnthropicError.invalid("stop_sequences", "Input should be a valid list");
        }
        List<String> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            if (!s.isTextual()) {
                throw AnthropicError.invalid("stop_sequences." + i, "Input should be a valid string");
            }
            if (s.asText().isBlank()) {
                throw AnthropicError.invalid("stop_sequences." + i, "stop sequences must contain non-whitespace");
            }
            out.add(s.asText());
        }
        return out;
    }

    private static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw AnthropicError.invalid("metadata", "Input should be an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("user_id")) {
                throw AnthropicError.invalid("metadata." + name, "Extra inputs are not permitted");
            }
        }
        JsonNode user = node.get("user_id");
        if (user != null && !user.isNull()) {
            if (!user.isTextual()) {
                throw AnthropicError.invalid("metadata.user_id", "Input should be a valid string");
            }
            if (user.asText().length() > 256) {
                throw AnthropicError.invalid("metadata.user_id", "String should have at most 256 characters");
            }
            out.put(METADATA_USER_ID, user.asText());
        }
        return out;
    }

    /** Parses a tool call's arguments, as a JSON object, or {@code null} when they are not one. */
    static JsonNode parseObject(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode node = Json.mapper().readTree(json);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
