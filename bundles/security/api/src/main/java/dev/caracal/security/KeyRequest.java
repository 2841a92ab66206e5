package dev.caracal.security;

import java.time.Instant;

/**
 * A key to create.
 *
 * @param name      what its owner calls it (required)
 * @param tenant    the tenant it acts in (required; must exist)
 * @param role      what it may do there (required)
 * @param expiresAt when it stops working, or {@code null} for never
 * @param grants    what narrows it beyond its role ({@code null}: nothing)
 */
public record KeyRequest(String name, String tenant, Role role, Instant expiresAt, Grants grants) {}
