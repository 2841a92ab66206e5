package dev.caracal.llm;

import java.util.Locale;

/**
 * What a caller asks of a reasoning model: a token budget for its thinking (Anthropic's
 * {@code thinking.budget_tokens}), an effort level (OpenAI's {@code reasoning_effort}), or both; or, {@link #OFF}, no
 * reasoning at all (OpenAI's {@code none}, Anthropic's {@code thinking: disabled}, Ollama's {@code think: false}). A
 * request without one ({@code null} on {@link ChatRequest}) leaves reasoning at the provider's default.
 *
 * <p>Each provider sends what its API takes; when the caller gave only the other one, {@link #budgetTokensOrMapped}
 * and {@link #effortOrMapped} translate with one fixed table, so every provider and ingress translates alike:
 * MINIMAL = 1,024 tokens (Anthropic's smallest budget), LOW = 2,048, MEDIUM = 8,192, HIGH = 24,576; a budget below
 * 4,096 is LOW, below 16,384 MEDIUM, else HIGH.
 */
public record Reasoning(Integer budgetTokens, Effort effort) {

    /** Reasoning effort levels, in OpenAI's names. */
    public enum Effort {
        /** No reasoning ({@link #OFF}); since 1.4. */
        NONE(0),
        MINIMAL(1_024),
        LOW(2_048),
        MEDIUM(8_192),
        HIGH(24_576);

        private final int budgetTokens;

        Effort(int budgetTokens) {
            this.budgetTokens = budgetTokens;
        }

        /** The lower-case wire name ({@code low}, ...). */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The level named {@code name} (any case), or {@code null} when there is none of that name. */
        public static Effort parse(String name) {
            for (Effort e : values()) {
                if (e.name().equalsIgnoreCase(name)) {
                    return e;
                }
            }
            return null;
        }
    }

    /**
     * No reasoning: the caller turned it off (which is not the provider's default for every model: OpenAI's
     * reasoning models reason unless told {@code none}).
     *
     * @since 1.4
     */
    public static final Reasoning OFF = new Reasoning(null, Effort.NONE);

    /** The smallest budget Anthropic accepts, and so the smallest this translates to. */
    public static final int MIN_BUDGET_TOKENS = 1_024;

    public Reasoning {
        if (budgetTokens == null && effort == null) {
            throw new IllegalArgumentException("reasoning needs a budget or an effort");
        }
        if (budgetTokens != null && budgetTokens < 1) {
            throw new IllegalArgumentException("a reasoning budget must be positive, got " + budgetTokens);
        }
        if (budgetTokens != null && effort == Effort.NONE) {
            throw new IllegalArgumentException("reasoning turned off has no budget");
        }
    }

    /** Whether the caller wants reasoning (false for {@link #OFF}). */
    public boolean enabled() {
        return effort != Effort.NONE;
    }

    public static Reasoning budget(int tokens) {
        return new Reasoning(tokens, null);
    }

    public static Reasoning effort(Effort effort) {
        return new Reasoning(null, effort);
    }

    /** The caller's budget, else the budget of the caller's effort (0 for {@link #OFF}). */
    public int budgetTokensOrMapped() {
        return budgetTokens != null ? budgetTokens : effort.budgetTokens;
    }

    /** The caller's effort, else the level of the caller's budget (never MINIMAL: a budget says nothing of it). */
    public Effort effortOrMapped() {
        if (effort != null) {
            return effort;
        }
        return budgetTokens < 4_096 ? Effort.LOW : budgetTokens < 16_384 ? Effort.MEDIUM : Effort.HIGH;
    }
}
