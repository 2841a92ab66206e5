package dev.caracal.vector;

import java.util.Objects;

/** A typed, weighted link from one record to another record of the same collection, by id. */
public record Edge(String target, String type, double weight) {
    public Edge {
        Objects.requireNonNull(target, "target");
        type = type == null ? "related" : type;
    }
}
