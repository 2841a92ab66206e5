package dev.caracal.vector;

/** The index of a collection as it is now; {@code progress} is in [0,1] while building, 1 otherwise. */
public record IndexState(String type, IndexStatus status, double progress, String message) {}
