package dev.caracal.http.jetty.internal;

/**
 * What the parser has read of the request on a connection so far: its target and whether it carries
 * {@code anthropic-version}, all an error answer needs to pick its shape. Reset at each request's first byte.
 */
final class RequestSeen {
    private String target;
    private boolean anthropicVersion;

    /** A new request begins: what a peek at its head (perhaps incomplete) showed. */
    void reset(String peekedTarget, boolean peekedAnthropicVersion) {
        target = peekedTarget;
        anthropicVersion = peekedAnthropicVersion;
    }

    void target(String target) {
        this.target = target;
    }

    void header(String name) {
        if ("anthropic-version".equalsIgnoreCase(name)) {
            anthropicVersion = true;
        }
    }

    String target() {
        return target;
    }

    ErrorShape shape() {
        return ErrorShape.of(target, anthropicVersion);
    }
}
