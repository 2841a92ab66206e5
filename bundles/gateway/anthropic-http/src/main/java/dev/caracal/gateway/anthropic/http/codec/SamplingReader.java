package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.Reasoning;
import java.util.Iterator;
import java.util.Set;

/**
 * The generation limits of a Messages request: {@code max_tokens}, the sampling parameters {@code temperature},
 * {@code top_p} and {@code top_k}, and extended {@code thinking} with its budget, validated as Anthropic does.
 */
final class SamplingReader {
    private SamplingReader() {}

    static int maxTokens(JsonNode node) {
        if (node == null || node.isNull()) {
            throw AnthropicError.invalid("max_tokens", "Field required");
        }
        if (!node.isIntegralNumber()) {
            throw AnthropicError.invalid("max_tokens", "Input should be a valid integer");
        }
        if (!node.canConvertToInt() || node.intValue() < 1) {
            throw AnthropicError.invalid(
                    "max_tokens",
                    node.canConvertToInt() || node.asText().startsWith("-")
                            ? "Input should be greater than or equal to 1"
                            : "Input should be less than or equal to " + Integer.MAX_VALUE);
        }
        return node.intValue();
    }

    static Double unitInterval(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw AnthropicError.invalid(field, "Input should be a valid number");
        }
        double v = node.doubleValue();
        if (v < 0 || v > 1) {
            throw AnthropicError.invalid(field, "Input should be between 0 and 1 (inclusive), got " + node.asText());
        }
        return v;
    }

    static Integer topK(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw AnthropicError.invalid("top_k", "Input should be a valid integer");
        }
        if (node.intValue() < 1) {
            throw AnthropicError.invalid("top_k", "Input should be greater than or equal to 1");
        }
        return node.intValue();
    }

    /**
     * Extended thinking: {@code {"type":"enabled","budget_tokens":N}} is a {@link Reasoning#budget} of N,
     * {@code {"type":"disabled"}} is {@link Reasoning#OFF}, no {@code thinking} asks for nothing ({@code null}). Validated as Anthropic
     * does: the budget is an integer of at least {@link Reasoning#MIN_BUDGET_TOKENS} and below {@code max_tokens}
     * (the thinking counts within {@code max_tokens}). The optional {@code display} is accepted as
     * {@code "summarized"}, which is what the gateway gives; {@code "omitted"} and the other thinking types
     * ({@code adaptive}, {@code between_tools}) cannot be honoured and are refused.
     */
    static Reasoning thinking(JsonNode node, int maxTokens) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw AnthropicError.invalid("thinking", "Input should be an object");
        }
        String type = RequestFields.requiredString(node, "type", "thinking");
        switch (type) {
            case "disabled":
                checkThinkingFields(node, Set.of("type"));
                return Reasoning.OFF;
            case "enabled": {
                checkThinkingFields(node, Set.of("type", "budget_tokens", "display"));
                int budget = budgetTokens(node.get("budget_tokens"), maxTokens);
                String display = RequestFields.optionalString(node, "display", "thinking");
                if (display != null && !display.equals("summarized")) {
                    throw AnthropicError.invalid(
                            "thinking.display",
                            display.equals("omitted")
                                    ? "display 'omitted' is not supported by this gateway; omit 'display' or set it to 'summarized'"
                                    : "Input should be 'summarized' or 'omitted'");
                }
                return Reasoning.budget(budget);
            }
            case "adaptive", "between_tools":
                throw AnthropicError.invalid(
                        "thinking.type",
                        "'" + type + "' thinking is not supported by this"
                                + " gateway; use 'enabled' (with budget_tokens) or 'disabled'");
            default:
                throw AnthropicError.invalid(
                        "thinking.type",
                        "Input tag '" + type + "' does not match any of the expected tags: 'enabled', 'disabled'");
        }
    }

    private static void checkThinkingFields(JsonNode thinking, Set<String> allowed) {
        Iterator<String> names = thinking.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw AnthropicError.invalid("thinking." + name, "Extra inputs are not permitted");
            }
        }
    }

    private static int budgetTokens(JsonNode node, int maxTokens) {
        String path = "thinking.budget_tokens";
        if (node == null || node.isNull()) {
            throw AnthropicError.invalid(path, "Field required");
        }
        if (!node.isIntegralNumber()) {
            throw AnthropicError.invalid(path, "Input should be a valid integer");
        }
        boolean fitsInt = node.canConvertToInt();
        if (fitsInt
                ? node.intValue() < Reasoning.MIN_BUDGET_TOKENS
                : node.asText().startsWith("-")) {
            throw AnthropicError.invalid(
                    path, "Input should be greater than or equal to " + Reasoning.MIN_BUDGET_TOKENS);
        }
        if (!fitsInt || node.intValue() >= maxTokens) {
            throw AnthropicError.invalid(
                    path,
                    "must be less than max_tokens (budget_tokens " + node.asText() + ", max_tokens " + maxTokens
                            + "): the thinking counts within max_tokens");
        }
        return node.intValue();
    }
}
