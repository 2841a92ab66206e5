package dev.caracal.cache;

/** What a backend offers: whether it survives restarts, is shared between containers, and its largest value. */
public record BackendCapabilities(boolean persistent, boolean shared, long maxValueBytes) {}
