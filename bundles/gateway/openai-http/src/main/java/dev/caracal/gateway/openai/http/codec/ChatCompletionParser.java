package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.Fields.get;
import static dev.caracal.gateway.openai.http.codec.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses an OpenAI Chat Completions request body into a normalized {@link ChatRequest}, validating every field it
 * reads the way OpenAI does (ranges, types, shapes) and refusing, with a 400 that names the field, what the
 * normalized request cannot carry. A top-level member it does not read ({@code store},
 * {@code service_tier}, {@code metadata}, {@code prediction}, or one OpenAI adds next month) is kept verbatim in the
 * request's {@link RequestExtras}: an OpenAI-format provider sends it upstream as is, another refuses the call
 * naming it. Nothing is dropped.
 *
 * <p>Reasoning: {@code reasoning_effort} {@code minimal}, {@code low}, {@code medium} or {@code high} becomes
 * {@link Reasoning#effort}; {@code none} (which OpenAI's newest models accept) asks for no reasoning and leaves
 * {@link ChatRequest#reasoning()} {@code null}; any other value, or a value that is not a string, is a 400 on
 * {@code reasoning_effort}. An assistant message in the history may carry {@code reasoning_content}, the
 * DeepSeek/vLLM field some clients echo back: a non-empty string there becomes a leading
 * {@link ContentPart.Thinking} (without signature) of that assistant message, so that a provider that can take the
 * reasoning back gets it (providers that need a signature leave it out); an empty or non-string
 * {@code reasoning_content} is ignored, as OpenAI ignores fields it does not know.
 */
public final class ChatCompletionParser {
    /** Metadata key under which the OpenAI {@code user} field is passed to the gateway's filters. */
    public static final String USER_METADATA = "user";

    /** The wire format of the requests this parser reads ({@link RequestExtras#format}). */
    public static final String FORMAT = "openai";

    /**
     * The top-level members this parser reads: carried in the normalized request (or refused when they ask what it
     * cannot carry, or accepted when they ask for the default: {@code response_format} text, {@code logprobs} false).
     * Every other member is an extra.
     */
    static final Set<String> READ = Set.of(
            "model",
            "n",
            "messages",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "temperature",
            "top_p",
            "presence_penalty",
            "frequency_penalty",
            "max_tokens",
            "max_completion_tokens",
            "seed",
            "stop",
            "stream",
            "stream_options",
            "reasoning_effort",
            "user",
            "response_format",
            "logprobs",
            "top_logprobs",
            "logit_bias",
            "audio",
            "modalities",
            "functions",
            "function_call",
            "web_search_options");

    private ChatCompletionParser() {}

    public static ChatCompletionCall parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(
                    null, InvalidRequestException.INVALID_TYPE, "The request body must be a JSON object.");
        }
        refuseUnsupported(body);
        String model = Fields.requiredNonEmptyString(body, "model", "model");

        Long n = Fields.optionalInteger(body, "n", "n", 1, 128);
        if (n != null && n != 1) {
            throw InvalidRequestException.unsupportedValue("n", "only n=1 is supported by this gateway.");
        }

        List<ContentPart.Text> system = new ArrayList<>();
        List<Message> messages = ChatMessagesParser.parse(body, system);

        List<ToolDefinition> tools = parseTools(body);
        ToolChoice toolChoice = ToolFields.choice(body, tools, ToolFields.Dialect.CHAT_COMPLETIONS);
        JsonNode parallel = get(body, "parallel_tool_calls");
        if (parallel != null && !parallel.isNull()) {
            if (!parallel.isBoolean()) {
                throw InvalidRequestException.type("parallel_tool_calls", "a boolean");
            }
            toolChoice = toolChoice.withParallel(parallel.booleanValue());
        }

        SamplingParameters sampling = GenerationFields.sampling(body, ChatCompletionParser::maxTokens);

        List<String> stop = GenerationFields.stop(body);

        boolean stream = Fields.optionalBoolean(body, "stream", "stream", false);
        boolean includeUsage = GenerationFields.includeUsage(body, stream);

        Map<String, String> metadata = parseMetadata(body);
        Reasoning reasoning = parseReasoningEffort(body);

        ChatRequest request = new ChatRequest(
                model,
                null, // the system blocks' text, joined by a blank line
                messages,
                tools,
                toolChoice,
                sampling,
                stop,
                stream,
                metadata,
                reasoning,
                new RequestExtras(FORMAT, extraFields(body), null),
                parseResponseFormat(body),
                system);
        return new ChatCompletionCall(request, includeUsage);
    }

    /** The token limit: {@code max_completion_tokens}, else the older {@code max_tokens}; both are validated. */
    private static Long maxTokens(JsonNode body) {
        Long maxTokens = Fields.optionalInteger(body, "max_tokens", "max_tokens", 1, Integer.MAX_VALUE);
        Long maxCompletion =
                Fields.optionalInteger(body, "max_completion_tokens", "max_completion_tokens", 1, Integer.MAX_VALUE);
        return maxCompletion != null ? maxCompletion : maxTokens;
    }

    /** The top-level members this parser does not read, each as its raw JSON. */
    static Map<String, String> extraFields(JsonNode body) {
        return dev.caracal.core.json.Json.membersExcept(body, READ);
    }

    /** OpenAI parameters the normalized request cannot carry: refused rather than silently dropped. */
    private static void refuseUnsupported(JsonNode body) {
        if (Fields.optionalBoolean(body, "logprobs", "logprobs", false)) {
            throw InvalidRequestException.unsupportedValue("logprobs", "log probabilities are not supported.");
        }
        if (get(body, "top_logprobs") != null) {
            throw InvalidRequestException.unsupported("top_logprobs", "log probabilities are not supported.");
        }
        JsonNode bias = Fields.optionalObject(body, "logit_bias", "logit_bias");
        if (bias != null && !bias.isEmpty()) {
            throw InvalidRequestException.unsupported("logit_bias", "logit bias is not supported.");
        }
        if (get(body, "audio") != null) {
            throw InvalidRequestException.unsupported("audio", "audio output is not supported.");
        }
        JsonNode modalities = Fields.optionalArray(body, "modalities", "modalities");
        if (modalities != null) {
            for (int i = 0; i < modalities.size(); i++) {
                if (!"text".equals(modalities.get(i).asText(null))) {
                    throw InvalidRequestException.unsupportedValue(
                            path("modalities", i), "only the 'text' modality is supported.");
                }
            }
        }
        if (get(body, "functions") != null) {
            throw InvalidRequestException.unsupported("functions", "deprecated; use 'tools'.");
        }
        if (get(body, "function_call") != null) {
            throw InvalidRequestException.unsupported("function_call", "deprecated; use 'tool_choice'.");
        }
        if (get(body, "web_search_options") != null) {
            throw InvalidRequestException.unsupported("web_search_options", "web search is not supported.");
        }
    }

    // ---- tools ----

    private static List<ToolDefinition> parseTools(JsonNode body) {
        JsonNode array = Fields.optionalArray(body, "tools", "tools");
        if (array == null) {
            return List.of();
        }
        List<ToolDefinition> tools = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String p = path("tools", i);
            JsonNode tool = ToolFields.functionTool(array, i, ToolFields.Dialect.CHAT_COMPLETIONS);
            MessageMembers.check(tool, MessageMembers.TOOL, p, "a tool");
            JsonNode fn = Fields.required(tool, "function", path(p, "function"));
            if (!fn.isObject()) {
                throw InvalidRequestException.type(path(p, "function"), "an object");
            }
            MessageMembers.check(fn, MessageMembers.TOOL_FUNCTION, path(p, "function"), "a tool's function");
            String name = ToolFields.name(fn, path(p, "function.name"), names);
            String description = Fields.optionalString(fn, "description", path(p, "function.description"));
            JsonNode params = Fields.optionalObject(fn, "parameters", path(p, "function.parameters"));
            Boolean strict = fn.hasNonNull("strict")
                    ? Fields.optionalBoolean(fn, "strict", path(p, "function.strict"), false)
                    : null;
            tools.add(new ToolDefinition(
                    name, description, params == null ? null : params.toString(), strict, CacheControls.read(tool, p)));
        }
        return tools;
    }

    // ---- reasoning ----

    /** {@code reasoning_effort}: an effort level, {@code none} ({@link Reasoning#OFF}) or absent (null). */
    private static Reasoning parseReasoningEffort(JsonNode body) {
        JsonNode effort = get(body, "reasoning_effort");
        if (effort == null) {
            return null;
        }
        if (!effort.isTextual()) {
            throw InvalidRequestException.type("reasoning_effort", "a string (" + acceptedEfforts() + ")");
        }
        String name = effort.textValue();
        for (Reasoning.Effort e : Reasoning.Effort.values()) {
            if (e.wireName().equals(name)) {
                return Reasoning.effort(e);
            }
        }
        throw InvalidRequestException.value(
                "reasoning_effort", "must be one of " + acceptedEfforts() + ", got '" + name + "'.");
    }

    /** The accepted {@code reasoning_effort} values, quoted, for error messages. */
    private static String acceptedEfforts() {
        StringBuilder sb = new StringBuilder();
        Reasoning.Effort[] efforts = Reasoning.Effort.values();
        for (int i = 0; i < efforts.length; i++) {
            sb.append(i == 0 ? "'" : i == efforts.length - 1 ? " or '" : ", '")
                    .append(efforts[i].wireName())
                    .append("'");
        }
        return sb.toString();
    }

    // ---- structured outputs ----

    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /**
     * {@code response_format}: {@code text} (or absent) is free text, {@code json_object} any JSON object,
     * {@code json_schema} JSON valid against {@code json_schema.schema} (with its {@code name}, {@code description}
     * and {@code strict}); validated as OpenAI validates it.
     */
    static ResponseFormat parseResponseFormat(JsonNode body) {
        JsonNode format = Fields.optionalObject(body, "response_format", "response_format");
        if (format == null) {
            return null;
        }
        String type = Fields.requiredString(format, "type", "response_format.type");
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                return ResponseFormat.jsonObject();
            }
            case "json_schema" -> {
                JsonNode spec = Fields.required(format, "json_schema", "response_format.json_schema");
                if (!spec.isObject()) {
                    throw InvalidRequestException.type("response_format.json_schema", "an object");
                }
                String name = Fields.requiredString(spec, "name", "response_format.json_schema.name");
                if (!SCHEMA_NAME.matcher(name).matches()) {
                    throw InvalidRequestException.value(
                            "response_format.json_schema.name",
                            "must be 1 to 64 letters, digits, underscores or dashes.");
                }
                JsonNode schema = Fields.optionalObject(spec, "schema", "response_format.json_schema.schema");
                String description =
                        Fields.optionalString(spec, "description", "response_format.json_schema.description");
                JsonNode strict = get(spec, "strict");
                if (strict != null && !strict.isNull() && !strict.isBoolean()) {
                    throw InvalidRequestException.type("response_format.json_schema.strict", "a boolean");
                }
                return ResponseFormat.jsonSchema(
                        name,
                        description,
                        schema == null ? "{\"type\":\"object\"}" : schema.toString(),
                        strict == null || strict.isNull() ? null : strict.booleanValue());
            }
            default ->
                throw InvalidRequestException.value(
                        "response_format.type", "must be 'text', 'json_object' or 'json_schema', got '" + type + "'.");
        }
    }

    // ---- metadata ----

    private static Map<String, String> parseMetadata(JsonNode body) {
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode md = Fields.optionalObject(body, "metadata", "metadata");
        if (md != null) {
            Iterator<Map.Entry<String, JsonNode>> it = md.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw InvalidRequestException.type("metadata." + e.getKey(), "a string");
                }
                metadata.put(e.getKey(), e.getValue().textValue());
            }
        }
        String user = Fields.optionalString(body, "user", "user");
        if (user != null) {
            metadata.put(USER_METADATA, user);
        }
        return metadata;
    }
}
