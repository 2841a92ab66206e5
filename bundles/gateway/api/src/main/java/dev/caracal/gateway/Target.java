package dev.caracal.gateway;

import java.util.Objects;

/** Where a route may send a request: a provider instance, the model to ask it for, and a weight for balancing. */
public record Target(String providerId, String model, int weight) {
    public Target {
        Objects.requireNonNull(providerId, "providerId");
        Objects.requireNonNull(model, "model");
        if (weight < 0) {
            throw new IllegalArgumentException("weight must not be negative");
        }
    }

    /** {@code provider/model}, as targets are written in route configuration and the route header. */
    @Override
    public String toString() {
        return providerId + "/" + model;
    }
}
