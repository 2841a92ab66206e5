package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.Uncarriable;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a normalized {@link ChatRequest} as an Anthropic {@code POST /v1/messages} body.
 *
 * <ul>
 *   <li>{@code system}: the system prompt, when there is one: one string, or, when the client set a cache breakpoint
 *       on any of its blocks ({@link ChatRequest#systemBlocks()}), its text blocks each with its own
 *       {@code cache_control};</li>
 *   <li>{@code messages}: see {@link TurnMapper};</li>
 *   <li>{@code tools} and {@code tool_choice}: see {@link ToolMapper};</li>
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
        if (reasoning == null || !reasoning.enabled()) {
            body.put("max_tokens", requestedMax);
            if (reasoning != null) {
                body.putObject("thinking").put("type", "disabled");
            }
        } else {
            int budget = thinkingBudget(reasoning);
            body.put("max_tokens", maxTokens(requestedMax, budget));
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
        system(request, body);
        body.set("messages", TurnMapper.messages(request.messages()));
        ToolMapper.write(request, body);
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

    /**
     * The system prompt: the client's blocks, each with its own {@code cache_control}, when any carries one (so that
     * each breakpoint stays where the client put it); otherwise one string, as the API takes it most simply.
     */
    private static void system(ChatRequest request, ObjectNode body) {
        if (request.systemBlocks().stream().anyMatch(b -> b.cacheControl() != null)) {
            ArrayNode system = body.putArray("system");
            for (int i = 0; i < request.systemBlocks().size(); i++) {
                ObjectNode block = TurnMapper.text(request.systemBlocks().get(i), "system block " + i);
                if (block != null) {
                    system.add(block);
                }
            }
        } else if (request.system() != null && !request.system().isBlank()) {
            body.put("system", request.system());
        }
    }

    static LlmException invalid(String message) {
        return new LlmException(ErrorKind.INVALID_REQUEST, message);
    }
}
