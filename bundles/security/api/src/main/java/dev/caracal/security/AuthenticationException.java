package dev.caracal.security;

/** Credentials that were presented but are not valid (unknown, malformed, revoked, expired): a 401 naming why. */
public class AuthenticationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }
}
