package dev.caracal.gateway.core.internal;

import java.util.List;

/** Small helpers for messages. */
final class Gateways {
    static final int LISTED = 25;

    private Gateways() {}

    /** {@code a, b, c}, at most {@value #LISTED} names then {@code …}; {@code (none)} when empty. */
    static String list(List<String> names) {
        if (names.isEmpty()) {
            return "(none)";
        }
        if (names.size() <= LISTED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, LISTED)) + ", … (" + names.size() + " in all)";
    }
}
