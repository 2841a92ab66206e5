package dev.caracal.gateway;

import dev.caracal.llm.ErrorKind;

/**
 * One try of one target: the provider instance and upstream model, how long it took, and, when it failed, the
 * normalized error kind, the upstream HTTP status (0 when none) and a message.
 */
public record Attempt(
        String providerId, String model, long millis, ErrorKind error, int upstreamStatus, String message) {
    public boolean succeeded() {
        return error == null;
    }
}
