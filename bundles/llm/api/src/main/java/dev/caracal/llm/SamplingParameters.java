package dev.caracal.llm;

/** Sampling parameters; {@code null} means the provider's default. Ranges are validated by each ingress. */
public record SamplingParameters(
        Double temperature,
        Double topP,
        Integer topK,
        Integer maxTokens,
        Long seed,
        Double presencePenalty,
        Double frequencyPenalty) {
    public static final SamplingParameters DEFAULTS = new SamplingParameters(null, null, null, null, null, null, null);
}
