package dev.caracal.llm.anthropic.internal;

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
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Uncarriable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a normalized {@link ChatRequest} as an Anthropic {@code POST /v1/messages} body.
 *
 * <ul>
 *   <li>{@code system}: the system prompt, when there is one;</li>
 *   <li>{@code messages}: user and assistant turns. A {@code TOOL} message (the OpenAI shape) becomes a user turn of
 *       {@code tool_result} blocks; consecutive turns of one role are merged into one (as the API would), and in a
 *       user turn the {@code tool_result} blocks come first, as the API requires. A turn of a single text is sent as
 *       a string, any other as content blocks: {@code text} (empty texts dropped), {@code image} ({@code base64}
 *       source for inline data and {@code data:} URLs, {@code url} source otherwise), {@code tool_use} (the
 *       arguments as the {@code input} object), {@code tool_result} ({@code tool_use_id}, its text and image
 *       content, {@code is_error} when set), {@code thinking} ({@code thinking} and {@code signature}) and
 *       {@code redacted_thinking} ({@code data}), in the order of the message's parts. Thinking goes back only in
 *       assistant turns and only when Anthropic can verify it: a {@link ContentPart.Thinking} without a signature
 *       (reasoning another provider gave) is dropped, as the API rejects unsigned thinking; thinking parts in user
 *       and tool messages and in tool results are dropped too. (With thinking enabled, Anthropic also wants an
 *       assistant turn whose tool calls are answered to begin with its signed thinking, so a tool loop begun without
 *       Anthropic's thinking cannot go on with thinking enabled; the API answers such a request 400.)</li>
 *   <li>{@code tools} with {@code input_schema}; {@code tool_choice} {@code auto} / {@code any} (REQUIRED) /
 *       {@code tool} (named) / {@code none}, sent only with tools;</li>
 *   <li>{@code max_tokens}: the request's, else the configured default (the API requires it), raised when it
 *       cannot hold the thinking budget (below); {@code temperature},
 *       {@code top_p}, {@code top_k}, {@code stop_sequences}; {@code metadata.user_id} from the request metadata
 *       {@code user}. Seed and presence/frequency penalties have no Anthropic equivalent: a request with them is
 *       refused naming them;</li>
 *   <li>a response format (structured outputs) through a forced tool call, see {@link StructuredOutput};</li>
 *   <li>the request's extras ({@link RequestExtras}) of an Anthropic-format client verbatim; those of another
 *       format are refused naming them, before anything is sent;</li>
 *   <li>{@code thinking}: when the request asks for reasoning, {@code {"type": "enabled", "budget_tokens": B}}
 *       (extended thinking), see {@link #thinkingBudget} and {@link #maxTokens} for B and {@code max_tokens}.</li>
 * </ul>
 */
final class RequestMapper {

    /** The request metadata key the ingresses use for the end user (sent as {@code metadata.user_id}). */
    static final String USER_METADATA = "user";

    /** The wire format this provider speaks ({@link RequestExtras#format}). */
    static final String FORMAT = "anthropic";

    private final int defaultMaxTokens;
    private final String providerId;

    RequestMapper(int defaultMaxTokens, String providerId) {
        this.defaultMaxTokens = defaultMaxTokens;
        this.providerId = providerId;
    }

    ObjectNode toBody(ChatRequest request, boolean stream) {
        LlmException refused = request.extras().refusal(providerId, FORMAT);
        if (refused != null) {
            throw refused;
        }
        Uncarriable.refuseInMessages(request, providerId, "Anthropic");
        refuseUncarriable(request.sampling());
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", request.model());
        SamplingParameters s = request.sampling();
        int requestedMax = s.maxTokens() != null && s.maxTokens() > 0 ? s.maxTokens() : defaultMaxTokens;
        Reasoning reasoning = request.reasoning();
        if (reasoning == null) {
            body.put("max_tokens", requestedMax);
        } else {
            int budget = thinkingBudget(reasoning);
            body.put("max_tokens", maxTokens(requestedMax, budget));
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
        if (request.system() != null && !request.system().isBlank()) {
            body.put("system", request.system());
        }
        body.set("messages", messages(request.messages()));
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition tool : request.tools()) {
                ObjectNode t = tools.addObject().put("name", tool.name());
                if (tool.description() != null && !tool.description().isEmpty()) {
                    t.put("description", tool.description());
                }
                JsonNode schema = Json.tryParse(tool.inputSchemaJson());
                if (schema == null || !schema.isObject()) {
                    throw invalid("the input schema of tool " + tool.name() + " is not a JSON object");
                }
                t.set("input_schema", schema);
                if (tool.strict() != null) {
                    t.put("strict", tool.strict()); // Anthropic's strict tool use
                }
            }
            ToolChoice choice = request.toolChoice();
            ObjectNode tc = body.putObject("tool_choice");
            switch (choice.mode()) {
                case AUTO -> tc.put("type", "auto");
                case NONE -> tc.put("type", "none");
                case REQUIRED -> tc.put("type", "any");
                case TOOL -> tc.put("type", "tool").put("name", choice.toolName());
                default -> throw invalid("unknown tool choice " + choice.mode());
            }
            if (Boolean.FALSE.equals(choice.parallel()) && choice.mode() != ToolChoice.Mode.NONE) {
                tc.put("disable_parallel_tool_use", true);
            }
        }
        StructuredOutput.ask(request, body, providerId);
        if (s.temperature() != null) {
            body.put("temperature", s.temperature());
        }
        if (s.topP() != null) {
            body.put("top_p", s.topP());
        }
        if (s.topK() != null) {
            body.put("top_k", s.topK());
        }
        if (!request.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            request.stop().forEach(stop::add);
        }
        String user = request.metadata().get(USER_METADATA);
        if (user != null && !user.isBlank()) {
            body.putObject("metadata").put("user_id", user);
        }
        if (stream) {
            body.put("stream", true);
        }
        // what the Anthropic-format client sent that the normalized request does not model, verbatim
        request.extras().fields().forEach((name, raw) -> {
            if (!body.has(name)) {
                body.putRawValue(name, new RawValue(raw)); // byte for byte: 2.50 stays 2.50
            }
        });
        return body;
    }

    /** Sampling the Messages API has no parameter for: refused, naming it, rather than dropped. */
    private void refuseUncarriable(SamplingParameters s) {
        List<String> names = new ArrayList<>();
        if (s.seed() != null) {
            names.add("seed");
        }
        if (s.presencePenalty() != null) {
            names.add("presence_penalty");
        }
        if (s.frequencyPenalty() != null) {
            names.add("frequency_penalty");
        }
        if (!names.isEmpty()) {
            throw invalid(String.join(", ", names) + (names.size() == 1 ? " has" : " have")
                    + " no equivalent in Anthropic's Messages API, which provider '" + providerId
                    + "' speaks; leave " + (names.size() == 1 ? "it" : "them") + " out for this model");
        }
    }

    /**
     * The {@code budget_tokens} sent for {@code reasoning}: the caller's budget, else the budget of the caller's
     * effort ({@link Reasoning#budgetTokensOrMapped}), raised to Anthropic's minimum
     * ({@link Reasoning#MIN_BUDGET_TOKENS}, 1,024) when below it.
     */
    static int thinkingBudget(Reasoning reasoning) {
        return Math.max(Reasoning.MIN_BUDGET_TOKENS, reasoning.budgetTokensOrMapped());
    }

    /**
     * The {@code max_tokens} sent with a thinking budget. Anthropic counts the thinking within {@code max_tokens}
     * and requires {@code budget_tokens < max_tokens}. The budget is what the caller asked for, so it is kept: a
     * {@code requestedMax} (the request's, else the configured default) above the budget is sent as it is (the
     * thinking and the answer share it, as Anthropic intends); one at or below the budget could not hold any
     * answer, so it is read as the room the caller wants for the answer and the budget is added to it
     * ({@code max_tokens = budget + requestedMax}). The model's own output limit is left to Anthropic to enforce
     * (a sum beyond the {@code int} range is capped there; no model comes near it).
     */
    static int maxTokens(int requestedMax, int budget) {
        return requestedMax > budget ? requestedMax : (int) Math.min((long) budget + requestedMax, Integer.MAX_VALUE);
    }

    /** One Anthropic turn being assembled: its role, its tool results and its other blocks. */
    private static final class Turn {
        final String role;
        final List<ObjectNode> toolResults = new ArrayList<>();
        final List<ObjectNode> blocks = new ArrayList<>();

        Turn(String role) {
            this.role = role;
        }
    }

    private static ArrayNode messages(List<Message> messages) {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            String role = message.role() == Role.ASSISTANT ? "assistant" : "user";
            Turn turn = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            if (turn == null || !turn.role.equals(role)) {
                turn = new Turn(role);
                turns.add(turn);
            }
            for (ContentPart part : message.content()) {
                addPart(turn, message.role(), part, i);
            }
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < turns.size(); i++) {
            Turn turn = turns.get(i);
            List<ObjectNode> blocks = new ArrayList<>(turn.toolResults);
            blocks.addAll(turn.blocks);
            if (blocks.isEmpty()) {
                throw invalid("the " + turn.role + " turn " + i
                        + " has no content (empty texts and unsigned thinking are not sent)");
            }
            ObjectNode m = out.addObject().put("role", turn.role);
            if (blocks.size() == 1 && "text".equals(blocks.get(0).path("type").asText())) {
                m.put("content", blocks.get(0).get("text").asText());
            } else {
                ArrayNode content = m.putArray("content");
                blocks.forEach(content::add);
            }
        }
        return out;
    }

    private static void addPart(Turn turn, Role role, ContentPart part, int index) {
        if (isThinking(part)) {
            if (role == Role.ASSISTANT) {
                ObjectNode block = thinking(part);
                if (block != null) {
                    turn.blocks.add(block);
                }
            }
            return; // the model's own reasoning has no place in a user or tool turn
        }
        if (role == Role.TOOL && !(part instanceof ContentPart.ToolResult)) {
            throw invalid("message " + index + ": a tool message holds tool results only");
        }
        if (part instanceof ContentPart.Text t) {
            if (!t.text().isEmpty()) {
                turn.blocks.add(text(t.text()));
            }
        } else if (part instanceof ContentPart.Image image) {
            if (role == Role.ASSISTANT) {
                throw invalid("message " + index + ": an assistant message cannot hold an image");
            }
            turn.blocks.add(image(image));
        } else if (part instanceof ContentPart.ToolUse use) {
            if (role != Role.ASSISTANT) {
                throw invalid("message " + index + ": only an assistant message holds tool calls");
            }
            JsonNode input = Json.tryParse(use.argumentsJson());
            if (input == null || !input.isObject()) {
                throw invalid(
                        "message " + index + ": the arguments of tool call " + use.id() + " are not a JSON object");
            }
            turn.blocks.add(Json.MAPPER
                    .createObjectNode()
                    .put("type", "tool_use")
                    .put("id", use.id())
                    .put("name", use.name())
                    .set("input", input));
        } else if (part instanceof ContentPart.ToolResult result) {
            if (role == Role.ASSISTANT) {
                throw invalid("message " + index + ": an assistant message cannot hold a tool result");
            }
            turn.toolResults.add(toolResult(result));
        }
    }

    /**
     * A {@code thinking} block with its signature, or a {@code redacted_thinking} block with its data; {@code null}
     * for thinking Anthropic cannot verify (no signature) and for redacted thinking without data.
     */
    private static ObjectNode thinking(ContentPart part) {
        if (part instanceof ContentPart.Thinking t) {
            if (t.signature() == null || t.signature().isEmpty()) {
                return null;
            }
            return Json.MAPPER
                    .createObjectNode()
                    .put("type", "thinking")
                    .put("thinking", t.text())
                    .put("signature", t.signature());
        }
        ContentPart.RedactedThinking r = (ContentPart.RedactedThinking) part;
        return r.data().isEmpty()
                ? null
                : Json.MAPPER
                        .createObjectNode()
                        .put("type", "redacted_thinking")
                        .put("data", r.data());
    }

    private static boolean isThinking(ContentPart part) {
        return part instanceof ContentPart.Thinking || part instanceof ContentPart.RedactedThinking;
    }

    private static ObjectNode toolResult(ContentPart.ToolResult result) {
        ObjectNode block =
                Json.MAPPER.createObjectNode().put("type", "tool_result").put("tool_use_id", result.toolUseId());
        boolean onlyText = result.content().stream().allMatch(p -> p instanceof ContentPart.Text || isThinking(p));
        if (onlyText) {
            String text = ContentPart.textOf(result.content());
            if (!text.isEmpty()) {
                block.put("content", text);
            }
        } else {
            ArrayNode content = block.putArray("content");
            for (ContentPart p : result.content()) {
                if (p instanceof ContentPart.Text t) {
                    if (!t.text().isEmpty()) {
                        content.add(text(t.text()));
                    }
                } else if (p instanceof ContentPart.Image image) {
                    content.add(image(image));
                } else if (!isThinking(p)) {
                    throw invalid("a tool result holds text and images only");
                }
            }
        }
        if (result.isError()) {
            block.put("is_error", true);
        }
        return block;
    }

    private static ObjectNode text(String text) {
        return Json.MAPPER.createObjectNode().put("type", "text").put("text", text);
    }

    private static ObjectNode image(ContentPart.Image image) {
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (image.data() != null) {
            source.put("type", "base64")
                    .put("media_type", image.mediaType() == null ? "image/png" : image.mediaType())
                    .put("data", image.data());
            return block;
        }
        Map.Entry<String, String> inline = dataUrl(image.url());
        if (inline != null) {
            source.put("type", "base64").put("media_type", inline.getKey()).put("data", inline.getValue());
        } else {
            source.put("type", "url").put("url", image.url());
        }
        return block;
    }

    /** {@code data:<type>;base64,<data>} as (type, data), or {@code null} for another URL. */
    static Map.Entry<String, String> dataUrl(String url) {
        if (url == null || !url.regionMatches(true, 0, "data:", 0, 5)) {
            return null;
        }
        int comma = url.indexOf(',');
        String meta = comma < 0 ? "" : url.substring(5, comma);
        if (comma < 0 || !meta.toLowerCase(java.util.Locale.ROOT).endsWith(";base64")) {
            throw invalid("an image data URL must be base64: data:<type>;base64,<data>");
        }
        String type = meta.substring(0, meta.length() - ";base64".length());
        return Map.entry(type.isEmpty() ? "image/png" : type, url.substring(comma + 1));
    }

    private static LlmException invalid(String message) {
        return new LlmException(ErrorKind.INVALID_REQUEST, message);
    }
}
