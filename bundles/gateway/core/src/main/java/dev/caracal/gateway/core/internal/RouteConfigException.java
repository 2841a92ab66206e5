package dev.caracal.gateway.core.internal;

/** A route configuration that cannot be installed; {@link #property()} names the offending property. */
final class RouteConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String property;

    RouteConfigException(String property, String message) {
        super("property '" + property + "': " + message);
        this.property = property;
    }

    String property() {
        return property;
    }
}
