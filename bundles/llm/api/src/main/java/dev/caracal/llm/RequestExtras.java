package dev.caracal.llm;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a client sent that the normalized {@link ChatRequest} does not model, kept so that nothing is silently lost:
 * the top-level body members of the client's wire {@code format} ({@code openai}, {@code anthropic}) that the
 * ingress did not read, each as its raw JSON text, and the client's request headers (lower-case names, credentials
 * removed) for providers to forward by their allow-list.
 *
 * <p>A provider that speaks {@code format} writes every field into its upstream body verbatim, so a field the vendor
 * adds next month works on day one. A provider of another format cannot know what they mean and refuses the call with
 * an {@link ErrorKind#INVALID_REQUEST} naming them ({@link #refusal}): a field is carried or refused, never dropped.
 *
 * @param format  the client's wire format, or {@code null} when the request did not come from a client's body
 * @param fields  member name to raw JSON value, in a stable (sorted) order
 * @param headers the client's headers a provider may forward
 * @param originals members the ingress did read into the normalized request, as the client sent them, for a provider
 *                  of {@code format} to send verbatim instead of its own translation of the normalized form (an
 *                  Anthropic client's {@code output_config}: Claude gets it as is, other providers the normalized
 *                  {@link ResponseFormat} in their terms); never refused, since every provider can carry their
 *                  meaning (since 1.4)
 */
public record RequestExtras(
        String format, Map<String, String> fields, Map<String, String> headers, Map<String, String> originals) {
    /** Nothing beyond the normalized request (the console, tests, internal callers). */
    public static final RequestExtras NONE = new RequestExtras(null, Map.of(), Map.of(), Map.of());

    public RequestExtras {
        fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(fields));
        originals = originals == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(originals));
        Map<String, String> h = new TreeMap<>();
        if (headers != null) {
            headers.forEach((k, v) -> h.put(Objects.requireNonNull(k).toLowerCase(Locale.ROOT), v));
        }
        headers = java.util.Collections.unmodifiableMap(h);
    }

    /** Extras without originals (the form before {@code originals} existed). */
    public RequestExtras(String format, Map<String, String> fields, Map<String, String> headers) {
        this(format, fields, headers, null);
    }

    /** The same extras with the client's {@code newHeaders} (the ingress adds them once it has read the body). */
    public RequestExtras withHeaders(Map<String, String> newHeaders) {
        return new RequestExtras(format, fields, newHeaders, originals);
    }

    /** Whether a provider speaking {@code providerFormat} can carry the fields as they are. */
    public boolean carriableBy(String providerFormat) {
        return fields.isEmpty() || Objects.equals(format, providerFormat);
    }

    /**
     * The failure of a provider speaking {@code providerFormat} that cannot carry the fields: an
     * {@link ErrorKind#INVALID_REQUEST} naming them, or {@code null} when it can.
     */
    public LlmException refusal(String providerId, String providerFormat) {
        if (carriableBy(providerFormat)) {
            return null;
        }
        return new LlmException(
                ErrorKind.INVALID_REQUEST,
                "the " + (fields.size() == 1 ? "field " : "fields ") + String.join(", ", fields.keySet())
                        + " of the " + format + " request cannot be carried to provider '" + providerId + "', which"
                        + " speaks the " + providerFormat + " format; leave "
                        + (fields.size() == 1 ? "it" : "them") + " out or call a model of a " + format
                        + "-format provider");
    }
}
