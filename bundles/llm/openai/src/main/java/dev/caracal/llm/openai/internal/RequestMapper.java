package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a normalized {@link ChatRequest} as an OpenAI {@code POST /chat/completions} body.
 *
 * <ul>
 *   <li>the system prompt becomes the first {@code system} message;</li>
 *   <li>user messages: plain text as a string, text with images as content parts ({@code image_url} with the URL or
 *       a {@code data:} URL for inline bytes); tool results inside a user message (the Anthropic shape) become
 *       {@code tool} messages placed before the rest of that message;</li>
 *   <li>assistant messages: text plus {@code tool_calls}; their {@link ContentPart.Thinking} and
 *       {@link ContentPart.RedactedThinking} parts are left out (Chat Completions takes no reasoning as input, and
 *       compatible servers such as DeepSeek ask that {@code reasoning_content} not be sent back); an assistant turn
 *       that held only reasoning is still sent, with empty content, so that the turns keep alternating (some
 *       compatible servers refuse two user messages in a row);</li>
 *   <li>tool messages: one {@code tool} message per result (an error result is prefixed, since OpenAI has no error
 *       flag);</li>
 *   <li>sampling: temperature, top_p, seed, presence/frequency penalties, the output limit as
 *       {@code max_completion_tokens} (or {@code max_tokens} when so configured); {@code top_k} as {@code top_k}
 *       (OpenAI refuses it, the compatible servers that sample by it take it); the end user of the request metadata
 *       as {@code user};</li>
 *   <li>the request's extras ({@link RequestExtras}) of an OpenAI-format client verbatim; those of another format
 *       are refused ({@link LlmException} naming them) before anything is sent;</li>
 *   <li>tools as {@code function} tools with their JSON schema; tool_choice only when tools are offered;</li>
 *   <li>{@link ChatRequest#reasoning()} as {@code reasoning_effort} ({@code minimal}/{@code low}/{@code medium}/
 *       {@code high}; a budget is translated by {@link Reasoning#effortOrMapped()}); nothing when it is null, which
 *       leaves the model's default.</li>
 * </ul>
 */
final class RequestMapper {

    /** The wire format this provider speaks ({@link RequestExtras#format}). */
    static final String FORMAT = "openai";

    private final String maxTokensField;
    private final String providerId;

    RequestMapper(String maxTokensField, String providerId) {
        this.maxTokensField = maxTokensField;
        this.providerId = providerId;
    }

    ObjectNode toBody(ChatRequest request, boolean stream) {
        LlmException refused = request.extras().refusal(providerId, FORMAT);
        if (refused != null) {
            throw refused;
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        if (request.system() != null && !request.system().isEmpty()) {
            messages.addObject().put("role", "system").put("content", request.system());
        }
        for (Message message : request.messages()) {
            switch (message.role()) {
                case USER -> addUser(messages, message);
                case ASSISTANT -> addAssistant(messages, message);
                case TOOL -> addToolResults(messages, message.content());
                default -> throw invalid("unknown role " + message.role());
            }
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition tool : request.tools()) {
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
                if (tool.strict() != null) {
                    function.put("strict", tool.strict());
                }
            }
            ToolChoice choice = request.toolChoice();
            if (choice.parallel() != null) {
                body.put("parallel_tool_calls", choice.parallel());
            }
            switch (choice.mode()) {
                case AUTO -> body.put("tool_choice", "auto");
                case NONE -> body.put("tool_choice", "none");
                case REQUIRED -> body.put("tool_choice", "required");
                case TOOL ->
                    body.putObject("tool_choice")
                            .put("type", "function")
                            .putObject("function")
                            .put("name", choice.toolName());
                default -> {}
            }
        }
        SamplingParameters s = request.sampling();
        if (s.temperature() != null) {
            body.put("temperature", s.temperature());
        }
        if (s.topP() != null) {
            body.put("top_p", s.topP());
        }
        if (s.maxTokens() != null) {
            body.put(maxTokensField, s.maxTokens());
        }
        if (s.seed() != null) {
            body.put("seed", s.seed());
        }
        if (s.presencePenalty() != null) {
            body.put("presence_penalty", s.presencePenalty());
        }
        if (s.frequencyPenalty() != null) {
            body.put("frequency_penalty", s.frequencyPenalty());
        }
        if (s.topK() != null) {
            // not in OpenAI's API (which answers 400 naming it) but taken by the compatible servers that sample
            // by it (vLLM, llama.cpp, Together): carried, never dropped
            body.put("top_k", s.topK());
        }
        String user = request.metadata().get(USER_METADATA);
        if (user != null && !user.isBlank()) {
            body.put("user", user);
        }
        ResponseFormat format = request.responseFormat();
        if (format != null) {
            ObjectNode rf = body.putObject("response_format");
            if (format.type() == ResponseFormat.Type.JSON_OBJECT) {
                rf.put("type", "json_object");
            } else {
                ObjectNode spec = rf.put("type", "json_schema").putObject("json_schema");
                spec.put("name", format.name());
                if (format.description() != null) {
                    spec.put("description", format.description());
                }
                spec.set("schema", Json.tryParse(format.schemaJson()));
                if (format.strict() != null) {
                    spec.put("strict", format.strict());
                }
            }
        }
        Reasoning reasoning = request.reasoning();
        if (reasoning != null) {
            body.put("reasoning_effort", reasoning.effortOrMapped().wireName());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.stop().forEach(stop::add);
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        // what the OpenAI-format client sent that the normalized request does not model, verbatim
        request.extras().fields().forEach((name, raw) -> {
            if (!body.has(name)) {
                body.putRawValue(name, new RawValue(raw)); // byte for byte: 2.50 stays 2.50
            }
        });
        return body;
    }

    /** The request metadata key the ingresses use for the end user (sent as {@code user}). */
    static final String USER_METADATA = "user";

    private static void addUser(ArrayNode messages, Message message) {
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
        addToolResults(messages, toolResults);
        if (!rest.isEmpty() || toolResults.isEmpty()) {
            ObjectNode m = messages.addObject().put("role", "user");
            setContent(m, rest);
            putName(m, message);
        }
    }

    private static void setContent(ObjectNode m, List<ContentPart> parts) {
        boolean onlyText = parts.stream().allMatch(p -> p instanceof ContentPart.Text);
        if (onlyText) {
            m.put("content", ContentPart.textOf(parts));
            return;
        }
        ArrayNode content = m.putArray("content");
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.Text t) {
                content.addObject().put("type", "text").put("text", t.text());
            } else if (part instanceof ContentPart.Image image) {
                String url = image.url() != null
                        ? image.url()
                        : "data:" + (image.mediaType() == null ? "image/png" : image.mediaType()) + ";base64,"
                                + image.data();
                ObjectNode imageUrl =
                        content.addObject().put("type", "image_url").putObject("image_url");
                imageUrl.put("url", url);
                if (image.detail() != null) {
                    imageUrl.put("detail", image.detail());
                }
            }
        }
    }

    private static void addAssistant(ArrayNode messages, Message message) {
        ObjectNode m = messages.addObject().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = null;
        for (ContentPart part : message.content()) {
            if (part instanceof ContentPart.Text t) {
                text.append(t.text());
            } else if (part instanceof ContentPart.ToolUse use) {
                if (calls == null) {
                    calls = Json.MAPPER.createArrayNode();
                }
                ObjectNode call = calls.addObject().put("id", use.id()).put("type", "function");
                call.putObject("function").put("name", use.name()).put("arguments", use.argumentsJson());
            } else if (part instanceof ContentPart.Thinking || part instanceof ContentPart.RedactedThinking) {
                continue; // Chat Completions takes no reasoning back (see the class comment)
            } else {
                throw invalid("an assistant message holds text, reasoning and tool calls only, not "
                        + part.getClass().getSimpleName());
            }
        }
        if (text.length() > 0 || calls == null) {
            m.put("content", text.toString());
        } else {
            m.putNull("content");
        }
        if (calls != null) {
            m.set("tool_calls", calls);
        }
        putName(m, message);
    }

    /** The message's participant name, carried as OpenAI's {@code name}. */
    private static void putName(ObjectNode m, Message message) {
        if (message.name() != null) {
            m.put("name", message.name());
        }
    }

    private static void addToolResults(ArrayNode messages, List<ContentPart> parts) {
        for (ContentPart part : parts) {
            if (!(part instanceof ContentPart.ToolResult result)) {
                throw invalid("a tool message holds tool results only");
            }
            String text = ContentPart.textOf(result.content());
            messages.addObject()
                    .put("role", "tool")
                    .put("tool_call_id", result.toolUseId())
                    .put("content", result.isError() ? "Error: " + text : text);
        }
    }

    private static LlmException invalid(String message) {
        return new LlmException(ErrorKind.INVALID_REQUEST, message);
    }
}
