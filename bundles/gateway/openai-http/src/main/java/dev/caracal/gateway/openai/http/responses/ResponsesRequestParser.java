package dev.caracal.gateway.openai.http.responses;

import static dev.caracal.gateway.openai.http.codec.Fields.get;
import static dev.caracal.gateway.openai.http.codec.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.Fields;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.gateway.openai.http.codec.ToolFields;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.ToolChoice;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses a {@code POST /v1/responses} body. A Responses request is translated onto the gateway's chat call, not
 * passed through: every top-level member is read (carried, or accepted when it asks for what Caracal does anyway:
 * {@code background: false}, {@code truncation: "disabled"}), or refused with a 400 naming it, and so is any member
 * this parser does not know. {@code prompt_cache_key}, {@code prompt_cache_retention}, {@code safety_identifier},
 * {@code service_tier} and {@code text.verbosity} mean the same in Chat Completions and ride in the request's
 * {@link RequestExtras} under those names: an OpenAI-compatible provider sends them, another refuses the call naming
 * them.
 */
public final class ResponsesRequestParser {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int MAX_METADATA = 16;

    /** The top-level members this parser reads; every other member is refused by name. */
    static final Set<String> READ = Set.of(
            "model",
            "input",
            "instructions",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "temperature",
            "top_p",
            "max_output_tokens",
            "max_tool_calls",
            "text",
            "reasoning",
            "metadata",
            "user",
            "safety_identifier",
            "prompt_cache_key",
            "prompt_cache_retention",
            "service_tier",
            "store",
            "stream",
            "stream_options",
            "previous_response_id",
            "include",
            "background",
            "truncation",
            "top_logprobs");

    /** The members carried as the Chat Completions members of the same name (extras of the {@code openai} format). */
    private static final Set<String> CARRIED_AS_CHAT =
            Set.of("safety_identifier", "prompt_cache_key", "prompt_cache_retention", "service_tier");

    /** The {@code include} values Caracal honours: input image URLs are always kept, signatures always returned. */
    private static final Set<String> INCLUDABLE =
            Set.of("message.input_image.image_url", "reasoning.encrypted_content");

    private ResponsesRequestParser() {}

    public static ResponsesRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(
                    null, InvalidRequestException.INVALID_TYPE, "The request body must be a JSON object.");
        }
        refuseUnknown(body);
        refuseUnsupported(body);
        ObjectNode echo = F.objectNode();
        String model = Fields.requiredNonEmptyString(body, "model", "model");
        String instructions = Fields.optionalString(body, "instructions", "instructions");
        echo.put("instructions", instructions);

        ResponseToolsParser.Tools tools = ResponseToolsParser.tools(body);
        ToolChoice toolChoice = ToolFields.choice(body, tools.definitions(), ToolFields.Dialect.RESPONSES);
        echo.set("tools", tools.echo());
        JsonNode choice = get(body, "tool_choice");
        echo.set("tool_choice", choice == null ? F.textNode("auto") : choice.deepCopy());
        boolean parallel = Fields.optionalBoolean(body, "parallel_tool_calls", "parallel_tool_calls", true);
        if (get(body, "parallel_tool_calls") != null) {
            toolChoice = toolChoice.withParallel(parallel);
        }
        echo.put("parallel_tool_calls", parallel);

        Double temperature = Fields.optionalNumber(body, "temperature", 0, 2);
        Double topP = Fields.optionalNumber(body, "top_p", 0, 1);
        Long maxOutput = Fields.optionalInteger(body, "max_output_tokens", "max_output_tokens", 1, Integer.MAX_VALUE);
        Long maxToolCalls = Fields.optionalInteger(body, "max_tool_calls", "max_tool_calls", 1, Integer.MAX_VALUE);
        echo.set("temperature", temperature == null ? F.nullNode() : F.numberNode(temperature));
        echo.set("top_p", topP == null ? F.nullNode() : F.numberNode(topP));
        echo.set("max_output_tokens", maxOutput == null ? F.nullNode() : F.numberNode(maxOutput));
        echo.set("max_tool_calls", maxToolCalls == null ? F.nullNode() : F.numberNode(maxToolCalls));
        SamplingParameters sampling = new SamplingParameters(
                temperature, topP, null, maxOutput == null ? null : maxOutput.intValue(), null, null, null);

        Map<String, String> extras = new TreeMap<>();
        ResponseText text = ResponseText.parse(body);
        echo.set("text", text.echo());
        if (text.verbosity() != null) {
            extras.put("verbosity", F.textNode(text.verbosity()).toString());
        }
        Reasoning reasoning = parseReasoning(body, echo);
        Map<String, String> metadata = parseMetadata(body, echo);
        for (String name : CARRIED_AS_CHAT) {
            JsonNode value = get(body, name);
            if (value != null) {
                if (!value.isTextual()) {
                    throw InvalidRequestException.type(name, "a string");
                }
                extras.put(name, value.toString());
                echo.set(name, value);
            }
        }

        boolean store = Fields.optionalBoolean(body, "store", "store", true);
        boolean stream = Fields.optionalBoolean(body, "stream", "stream", false);
        streamOptions(body, stream);
        String previous = Fields.optionalString(body, "previous_response_id", "previous_response_id");
        echo.put("previous_response_id", previous);
        echo.put("store", store);
        echo.put("truncation", "disabled");
        echo.put("background", false);
        echo.put("top_logprobs", 0);

        List<ObjectNode> input = ResponseInputParser.parse(body);
        if (input.isEmpty() && previous == null) {
            throw InvalidRequestException.missing("input");
        }
        ChatRequest template = new ChatRequest(
                model,
                null,
                List.of(),
                tools.definitions(),
                toolChoice,
                sampling,
                List.of(),
                stream,
                metadata,
                reasoning,
                new RequestExtras(dev.caracal.gateway.openai.http.codec.ChatCompletionParser.FORMAT, extras, null),
                text.format());
        return new ResponsesRequest(template, instructions, input, previous, store, stream, echo);
    }

    /** A member this parser does not know is refused by name: a Responses request is translated, not passed on. */
    private static void refuseUnknown(JsonNode body) {
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!READ.contains(name)) {
                throw InvalidRequestException.unsupported(name, refusal(name));
            }
        }
    }

    private static String refusal(String name) {
        return switch (name) {
            case "conversation" -> "conversations are not supported; continue with 'previous_response_id'.";
            case "prompt" -> "prompt templates are not supported; send 'instructions' and 'input'.";
            default ->
                "this gateway translates Responses requests onto its chat call and cannot honour '" + name + "'.";
        };
    }

    /** Read members whose other values ask for what Caracal cannot do. */
    private static void refuseUnsupported(JsonNode body) {
        if (Fields.optionalBoolean(body, "background", "background", false)) {
            throw InvalidRequestException.unsupportedValue(
                    "background", "background responses are not supported; send the request without it.");
        }
        String truncation = Fields.optionalString(body, "truncation", "truncation");
        if (truncation != null && !truncation.equals("disabled")) {
            throw InvalidRequestException.unsupportedValue(
                    "truncation", "only 'disabled' is supported: the conversation is sent whole.");
        }
        Long topLogprobs = Fields.optionalInteger(body, "top_logprobs", "top_logprobs", 0, 20);
        if (topLogprobs != null && topLogprobs > 0) {
            throw InvalidRequestException.unsupportedValue("top_logprobs", "log probabilities are not supported.");
        }
        JsonNode include = Fields.optionalArray(body, "include", "include");
        if (include != null) {
            for (int i = 0; i < include.size(); i++) {
                String value = include.get(i).asText(null);
                if (value == null || !include.get(i).isTextual()) {
                    throw InvalidRequestException.type(path("include", i), "a string");
                }
                if (!INCLUDABLE.contains(value)) {
                    throw InvalidRequestException.unsupportedValue(
                            path("include", i), "'" + value + "' cannot be included by this gateway.");
                }
            }
        }
    }

    private static void streamOptions(JsonNode body, boolean stream) {
        JsonNode options = Fields.optionalObject(body, "stream_options", "stream_options");
        if (options == null) {
            return;
        }
        if (!stream) {
            throw InvalidRequestException.value("stream_options", "only allowed when 'stream' is true.");
        }
        Iterator<String> names = options.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("include_obfuscation")) {
                throw InvalidRequestException.unsupported(path("stream_options", name), "unknown stream option.");
            }
        }
        if (Fields.optionalBoolean(options, "include_obfuscation", "stream_options.include_obfuscation", false)) {
            throw InvalidRequestException.unsupportedValue(
                    "stream_options.include_obfuscation", "stream obfuscation is not supported.");
        }
    }

    /** {@code reasoning.effort}; a summary cannot be asked for (the reasoning text comes as the item's content). */
    private static Reasoning parseReasoning(JsonNode body, ObjectNode echo) {
        ObjectNode out = echo.putObject("reasoning");
        out.putNull("effort");
        out.putNull("summary");
        JsonNode reasoning = Fields.optionalObject(body, "reasoning", "reasoning");
        if (reasoning == null) {
            return null;
        }
        Iterator<String> names = reasoning.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("effort") && !name.equals("summary") && !name.equals("generate_summary")) {
                throw InvalidRequestException.unsupported(path("reasoning", name), "unknown reasoning option.");
            }
            if (!name.equals("effort") && get(reasoning, name) != null) {
                throw InvalidRequestException.unsupportedValue(
                        path("reasoning", name),
                        "reasoning summaries are not produced by this gateway; the model's reasoning text, when the "
                                + "provider returns it, is the reasoning item's content.");
            }
        }
        String effort = Fields.optionalString(reasoning, "effort", "reasoning.effort");
        if (effort == null || effort.equals("none")) {
            out.put("effort", effort);
            return null;
        }
        Reasoning.Effort e = Reasoning.Effort.parse(effort);
        if (e == null || !e.wireName().equals(effort)) {
            throw InvalidRequestException.value(
                    "reasoning.effort", "must be 'none', 'minimal', 'low', 'medium' or 'high', got '" + effort + "'.");
        }
        out.put("effort", effort);
        return Reasoning.effort(e);
    }

    /** {@code metadata} (at most 16 string pairs, keys to 64 characters, values to 512) and {@code user}. */
    private static Map<String, String> parseMetadata(JsonNode body, ObjectNode echo) {
        Map<String, String> metadata = new LinkedHashMap<>();
        ObjectNode out = echo.putObject("metadata");
        JsonNode md = Fields.optionalObject(body, "metadata", "metadata");
        if (md != null) {
            if (md.size() > MAX_METADATA) {
                throw InvalidRequestException.value(
                        "metadata", "at most " + MAX_METADATA + " pairs are allowed, got " + md.size() + ".");
            }
            Iterator<Map.Entry<String, JsonNode>> it = md.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = "metadata." + e.getKey();
                if (!e.getValue().isTextual()) {
                    throw InvalidRequestException.type(p, "a string");
                }
                if (e.getKey().length() > 64) {
                    throw InvalidRequestException.value(p, "a key has at most 64 characters.");
                }
                if (e.getValue().textValue().length() > 512) {
                    throw InvalidRequestException.value(p, "a value has at most 512 characters.");
                }
                metadata.put(e.getKey(), e.getValue().textValue());
                out.put(e.getKey(), e.getValue().textValue());
            }
        }
        String user = Fields.optionalString(body, "user", "user");
        echo.put("user", user);
        if (user != null) {
            metadata.put(dev.caracal.gateway.openai.http.codec.ChatCompletionParser.USER_METADATA, user);
        }
        return metadata;
    }
}
