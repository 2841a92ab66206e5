package dev.caracal.gateway.anthropic.http.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.security.Principal;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;

/**
 * What the ingress hands the gateway about a call besides the request body: ids, the headers (lower-case, without
 * credentials) and the client's key, taken from {@code x-api-key} or {@code Authorization: Bearer}.
 */
final class IncomingCall {
    /** The {@link CallContext} attribute holding the client's API key, for the authentication filter. */
    static final String CLIENT_KEY = "caracal.client.key";

    static final String INGRESS = "anthropic";

    private static final Set<String> CREDENTIAL_HEADERS =
            Set.of("authorization", "x-api-key", "proxy-authorization", "cookie");

    private final String suffix = Ids.random();

    /** The message id, also the {@link CallContext} id. */
    String messageId() {
        return "msg_" + suffix;
    }

    /** The {@code request-id} header, sharing the message id's random part. */
    String requestId() {
        return "req_" + suffix;
    }

    CallContext context(HttpServletRequest req) {
        CallContext context = new CallContext(messageId(), INGRESS, headers(req));
        // who makes the call (set by the security guard): filters take the tenant, grants and limits from it
        if (req.getAttribute(Principal.ATTRIBUTE) instanceof Principal principal) {
            context.attributes().put(Principal.ATTRIBUTE, principal);
        }
        String key = clientKey(req);
        if (key != null) {
            context.attributes().put(CLIENT_KEY, key);
        }
        return context;
    }

    static Map<String, String> headers(HttpServletRequest req) {
        Map<String, String> out = new LinkedHashMap<>();
        Enumeration<String> names = req.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            String lower = name.toLowerCase(Locale.ROOT);
            if (CREDENTIAL_HEADERS.contains(lower)) {
                continue;
            }
            Enumeration<String> values = req.getHeaders(name);
            StringBuilder joined = new StringBuilder();
            while (values != null && values.hasMoreElements()) {
                if (joined.length() > 0) {
                    joined.append(", ");
                }
                joined.append(values.nextElement());
            }
            out.merge(lower, joined.toString(), (a, b) -> a + ", " + b);
        }
        return out;
    }

    /** {@code x-api-key}, else the token of {@code Authorization: Bearer ...}, else null. */
    static String clientKey(HttpServletRequest req) {
        String key = req.getHeader("x-api-key");
        if (key != null && !key.isBlank()) {
            return key.trim();
        }
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = auth.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }
}
