package dev.caracal.security.core.internal;

import dev.caracal.core.http.SurfaceErrors;
import dev.caracal.security.Access;
import dev.caracal.security.AuthenticationException;
import dev.caracal.security.Authenticator;
import dev.caracal.security.Grants;
import dev.caracal.security.Principal;
import dev.caracal.security.Role;
import dev.caracal.security.Tenant;
import dev.caracal.security.limits.RateLimiter;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The security guard's decision for one request, in order: health paths pass; cross-origin requests are refused
 * unless their origin is configured (preflights answered); a state change must carry its documented content type;
 * an address with too many failed authentications waits; the key (or another {@link Authenticator}'s credential)
 * establishes the {@link Principal}; an admin may name another tenant ({@value #TENANT_HEADER} or {@code ?tenant=});
 * the role must allow what the request does; rate limits per key, tenant and server apply. The principal is left in
 * the request for surfaces ({@link Principal#of}).
 */
final class Guard {
    static final String TENANT_HEADER = "x-caracal-tenant";
    /** The principal of every request while authentication is off. */
    static final Principal ANONYMOUS_ADMIN =
            new Principal(Tenant.DEFAULT, Role.ADMIN, null, "anonymous (authentication off)", Grants.ALL);

    /** The settings of one configuration (replaced whole when it changes). */
    record Settings(
            boolean authentication,
            BrowserRules browser,
            RateLimiter perKey,
            RateLimiter perTenant,
            RateLimiter global,
            RateLimiter failures) {}

    private final KeyIndex keys;
    private final Supplier<List<Authenticator>> authenticators;
    private final Clock clock;
    private volatile Settings settings;

    Guard(KeyIndex keys, Supplier<List<Authenticator>> authenticators, Clock clock, Settings settings) {
        this.keys = keys;
        this.authenticators = authenticators;
        this.clock = clock;
        this.settings = settings;
    }

    void configure(Settings s) {
        settings = s;
    }

    Settings settings() {
        return settings;
    }

    boolean admit(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = SurfaceErrors.path(req);
        if (path.equals("/healthz") || path.equals("/readyz")) {
            return true;
        }
        Settings s = settings;
        String origin = req.getHeader("Origin");
        if (origin != null) {
            if (!s.browser().originAllowed(origin, req)) {
                Refusals.forbidden(
                        req,
                        resp,
                        path,
                        "cross-origin requests from this origin are not allowed; an operator may list it in "
                                + "corsOrigins of etc/dev.caracal.security.cfg");
                return false;
            }
            if (s.browser().isCrossOrigin(origin, req) && cors(req, resp, origin)) {
                return false; // a preflight, answered
            }
        }
        if (!BrowserRules.contentTypeAllowed(req, path)) {
            Refusals.unsupportedType(req, resp, path);
            return false;
        }
        Principal p;
        if (!s.authentication()) {
            if (!s.browser().hostAllowed(req)) {
                Refusals.forbidden(
                        req,
                        resp,
                        path,
                        "with authentication off, only requests to this machine's own names are served; an operator "
                                + "may add this Host to allowedHosts of etc/dev.caracal.security.cfg");
                return false;
            }
            p = ANONYMOUS_ADMIN;
        } else {
            p = authenticate(req, resp, path, s);
            if (p == null) {
                return false;
            }
        }
        p = tenantNamed(req, resp, path, p);
        if (p == null) {
            return false;
        }
        Access access = Permissions.classify(req.getMethod(), path);
        if (!p.may(access)) {
            Refusals.forbidden(
                    req,
                    resp,
                    path,
                    "a " + p.role().id() + " key cannot " + Permissions.verb(access)
                            + (access == Access.ADMIN ? "; use an admin key" : "; use a writer or admin key"));
            return false;
        }
        if (!withinLimits(req, resp, path, p, s)) {
            return false;
        }
        req.setAttribute(Principal.ATTRIBUTE, p);
        return true;
    }

    /** The principal the request's credentials establish, or {@code null} once it answered 401 or 429. */
    private Principal authenticate(HttpServletRequest req, HttpServletResponse resp, String path, Settings s)
            throws IOException {
        String address = req.getRemoteAddr();
        long now = System.nanoTime();
        if (s.failures().isOn()) {
            RateLimiter.Decision d = s.failures().peek(address, 1, now);
            if (!d.allowed()) {
                Refusals.tooMany(
                        req,
                        resp,
                        path,
                        d,
                        "requests",
                        "too many failed authentications from this address; retry after the Retry-After seconds");
                return null;
            }
        }
        try {
            for (Authenticator a : authenticators.get()) {
                Principal p = a.authenticate(req);
                if (p != null) {
                    return p;
                }
            }
            String presented = Credentials.presented(req);
            if (presented == null) {
                Refusals.unauthorized(
                        req,
                        resp,
                        path,
                        "an API key is required: send it as 'Authorization: Bearer <key>', 'x-api-key: <key>' or "
                                + "'api-key: <key>'");
                return null;
            }
            Instant at = clock.instant();
            KeyIndex.Verification v = keys.verify(presented, at);
            switch (v.verdict()) {
                case VALID -> {
                    keys.touch(v.key(), at);
                    return new Principal(
                            v.key().tenant(),
                            v.key().role(),
                            v.key().id(),
                            v.key().name(),
                            v.key().grants());
                }
                case UNKNOWN -> throw new AuthenticationException("the API key is not valid");
                case REVOKED -> throw new AuthenticationException("the API key was revoked");
                case EXPIRED ->
                    throw new AuthenticationException(
                            "the API key expired at " + v.key().expiresAt());
                case ROTATED_OUT ->
                    throw new AuthenticationException(
                            "the API key was replaced by a rotation and its grace period ended at "
                                    + v.key().revokedAt());
                default -> throw new IllegalStateException(v.verdict().name());
            }
        } catch (AuthenticationException e) {
            s.failures().charge(address, 1, now);
            Refusals.unauthorized(req, resp, path, e.getMessage());
            return null;
        }
    }

    /** The principal acting in the tenant the request names, if any; {@code null} once it answered. */
    private Principal tenantNamed(HttpServletRequest req, HttpServletResponse resp, String path, Principal p)
            throws IOException {
        String named = req.getHeader(TENANT_HEADER);
        if (named == null) {
            named = queryTenant(req.getQueryString());
        }
        if (named == null || named.equals(p.tenant())) {
            return p;
        }
        if (!p.isAdmin()) {
            Refusals.forbidden(req, resp, path, "only an admin key can act in another tenant");
            return null;
        }
        if (!keys.tenantExists(named)) {
            Refusals.notFound(
                    req,
                    resp,
                    path,
                    "tenant-not-found",
                    "no tenant named '" + printable(named) + "' (" + TENANT_HEADER + " or ?tenant=)");
            return null;
        }
        return p.inTenant(named);
    }

    private boolean withinLimits(HttpServletRequest req, HttpServletResponse resp, String path, Principal p, Settings s)
            throws IOException {
        long now = System.nanoTime();
        RateLimiter.Decision shown = null;
        if (s.global().isOn()) {
            RateLimiter.Decision d = s.global().take("*", 1, now);
            if (!d.allowed()) {
                Refusals.tooMany(req, resp, path, d, "requests", "the server's request rate limit is reached");
                return false;
            }
            shown = d;
        }
        if (s.perTenant().isOn()) {
            RateLimiter.Decision d = s.perTenant().take(p.tenant(), 1, now);
            if (!d.allowed()) {
                Refusals.tooMany(req, resp, path, d, "requests", "the tenant's request rate limit is reached");
                return false;
            }
            shown = d;
        }
        if (s.perKey().isOn() && p.keyId() != null) {
            RateLimiter.Decision d = s.perKey().take(p.keyId(), 1, now);
            if (!d.allowed()) {
                Refusals.tooMany(req, resp, path, d, "requests", "this key's request rate limit is reached");
                return false;
            }
            shown = d;
        }
        if (shown != null) {
            Refusals.limitHeaders(req, resp, path, shown, "requests");
        }
        return true;
    }

    /** Adds CORS headers for an allowed origin; answers a preflight (returns true then). */
    private static boolean cors(HttpServletRequest req, HttpServletResponse resp, String origin) {
        resp.setHeader("Access-Control-Allow-Origin", origin.trim());
        resp.addHeader("Vary", "Origin");
        resp.setHeader("Access-Control-Expose-Headers", "Retry-After, x-request-id, request-id");
        if ("OPTIONS".equals(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null) {
            resp.setHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE");
            String asked = req.getHeader("Access-Control-Request-Headers");
            if (asked != null) {
                resp.setHeader("Access-Control-Allow-Headers", asked);
            }
            resp.setHeader("Access-Control-Max-Age", "600");
            resp.setStatus(204);
            return true;
        }
        return false;
    }

    static String queryTenant(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("tenant=")) {
                try {
                    return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return pair.substring(7);
                }
            }
        }
        return null;
    }

    private static String printable(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
