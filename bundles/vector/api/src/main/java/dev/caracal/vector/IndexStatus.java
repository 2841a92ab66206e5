package dev.caracal.vector;

/**
 * The state of a collection's index. {@code READY}: the requested index serves queries. {@code BUILDING}: it is
 * being built and queries use an exact scan meanwhile. {@code DEGRADED}: its plugin is absent and queries use an
 * exact scan.
 */
public enum IndexStatus {
    READY,
    BUILDING,
    DEGRADED
}
