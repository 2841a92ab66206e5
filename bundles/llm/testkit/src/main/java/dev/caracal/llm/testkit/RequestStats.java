package dev.caracal.llm.testkit;

/**
 * Counted by the launcher on the mock server's own connection handling, control paths ({@code /__...}) excluded:
 * requests received since the last reset, requests in flight now (received, response not yet closed) and the most
 * that were in flight at once.
 */
public record RequestStats(long requests, int inFlight, int maxInFlight) {}
