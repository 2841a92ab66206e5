package dev.caracal.security;

import javax.servlet.http.HttpServletRequest;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A kind of credential the security guard accepts beside Caracal's API keys (mTLS client certificates, OIDC tokens,
 * a reverse proxy's signed header). The guard asks every registered authenticator, highest {@code service.ranking}
 * first, before its own API keys.
 */
@ConsumerType
public interface Authenticator {
    /**
     * The principal the request's credentials establish; {@code null} when the request carries no credential of this
     * kind (the next authenticator is asked). Credentials of this kind that are not valid throw
     * {@link AuthenticationException}: the request is refused with a 401 and counts as a failed attempt.
     */
    Principal authenticate(HttpServletRequest request);
}
