package dev.caracal.llm.support;

import dev.caracal.llm.RequestExtras;
import java.net.http.HttpRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The client headers a provider forwards to its upstream, by an allow-list configured per provider instance
 * ({@code forwardHeaders}): a beta flag ({@code anthropic-beta}, {@code OpenAI-Beta}), an API version the client
 * pins, an idempotency key, trace context. A header on the list that the client sent replaces the provider's own
 * value of it (an {@code anthropic-version} the client set wins over the configured one); a comma-separated header
 * listed in {@link #merged} is joined with the provider's values instead.
 *
 * <p>Credentials, hop-by-hop headers and what the provider must set itself can never be listed: the configuration
 * is refused, naming the header.
 */
public final class ForwardedHeaders {
    /** Headers never forwarded: the provider's credentials and framing, the client's connection. */
    static final Set<String> FORBIDDEN = Set.of(
            "authorization",
            "x-api-key",
            "api-key",
            "cookie",
            "proxy-authorization",
            "host",
            "connection",
            "content-length",
            "content-type",
            "expect",
            "upgrade",
            "transfer-encoding",
            "te",
            "keep-alive",
            "accept-encoding");

    /** Forwards nothing. */
    public static final ForwardedHeaders NONE = new ForwardedHeaders(List.of());

    private final List<String> names;

    private ForwardedHeaders(List<String> names) {
        this.names = List.copyOf(names);
    }

    /**
     * The allow-list in {@code value} (comma-separated names, case-insensitive).
     *
     * @throws IllegalArgumentException naming a header that may not be forwarded
     */
    public static ForwardedHeaders parse(String value) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : ConfigValues.splitList(value)) {
            String n = name.toLowerCase(Locale.ROOT);
            if (!n.matches("[a-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new IllegalArgumentException("forwardHeaders: '" + name + "' is not a header name");
            }
            if (FORBIDDEN.contains(n)) {
                throw new IllegalArgumentException(
                        "forwardHeaders: '" + name + "' may not be forwarded (credentials, framing or the connection)");
            }
            names.add(n);
        }
        return new ForwardedHeaders(List.copyOf(names));
    }

    public List<String> names() {
        return names;
    }

    /** Sets on {@code request} each listed header the client sent ({@code extras}), replacing the provider's value. */
    public void apply(HttpRequest.Builder request, RequestExtras extras) {
        if (names.isEmpty() || extras == null) {
            return;
        }
        Map<String, String> sent = extras.headers();
        for (String name : names) {
            String value = sent.get(name);
            if (value != null && !value.isBlank() && value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
                request.setHeader(name, value);
            }
        }
    }

    /**
     * The value of comma-separated header {@code name} for the upstream: the provider's own values followed by those
     * the client sent, when {@code name} is on the list, each once.
     */
    public String merged(String name, List<String> own, RequestExtras extras) {
        Set<String> values = new LinkedHashSet<>(own);
        String sent = extras == null ? null : extras.headers().get(name);
        if (sent != null && names.contains(name)) {
            for (String v : sent.split(",")) {
                if (!v.isBlank()) {
                    values.add(v.trim());
                }
            }
        }
        return String.join(",", values);
    }
}
