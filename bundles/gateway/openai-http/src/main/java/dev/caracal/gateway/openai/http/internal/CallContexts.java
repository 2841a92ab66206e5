package dev.caracal.gateway.openai.http.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.security.Principal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.servlet.http.HttpServletRequest;

/** Builds the gateway's {@link CallContext} from an HTTP request, and the ids the ingress hands out. */
final class CallContexts {
    /** The ingress name the gateway sees. */
    static final String INGRESS = "openai";

    /** Headers that carry credentials: never passed to the gateway's header map. */
    private static final Set<String> CREDENTIAL_HEADERS =
            Set.of("authorization", "proxy-authorization", "cookie", "x-api-key", "api-key");

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private CallContexts() {}

    static CallContext of(HttpServletRequest req, String requestId) {
        Map<String, String> headers = new HashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (CREDENTIAL_HEADERS.contains(lower)) {
                continue;
            }
            String joined = String.join(", ", Collections.list(req.getHeaders(name)));
            headers.merge(lower, joined, (a, b) -> a + ", " + b);
        }
        CallContext context = new CallContext(requestId, INGRESS, headers);
        // who makes the call (set by the security guard): filters take the tenant, grants and limits from it
        if (req.getAttribute(Principal.ATTRIBUTE) instanceof Principal principal) {
            context.attributes().put(Principal.ATTRIBUTE, principal);
        }
        return context;
    }

    /** {@code chatcmpl-} and 29 random letters and digits, like OpenAI's completion ids. */
    static String completionId() {
        return "chatcmpl-" + random(29);
    }

    /** {@code cmpl-} and 29 random letters and digits, like OpenAI's legacy completion ids. */
    static String textCompletionId() {
        return "cmpl-" + random(29);
    }

    /** {@code req_} and 32 random letters and digits, for calls that are not completions. */
    static String requestId() {
        return "req_" + random(32);
    }

    private static String random(int n) {
        // ids name calls, they guard nothing: a lock-free generator (SecureRandom serialized every call on
        // /dev/urandom)
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
