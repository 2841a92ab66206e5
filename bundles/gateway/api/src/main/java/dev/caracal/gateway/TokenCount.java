package dev.caracal.gateway;

/**
 * How many input tokens a request counts.
 *
 * @param inputTokens the count
 * @param estimated   whether it is Caracal's estimate rather than the provider's own count
 * @param providerId  the provider that counted it, or {@code null} for an estimate made without one
 * @since 1.5
 */
public record TokenCount(long inputTokens, boolean estimated, String providerId) {}
