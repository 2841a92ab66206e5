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
 * credentials) and who makes it (the {@link Principal} the security guard established; the key itself never
 * reaches the gateway's filters).
 */
final class IncomingCall {
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
}
