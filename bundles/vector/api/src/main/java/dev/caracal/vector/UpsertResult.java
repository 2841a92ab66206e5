package dev.caracal.vector;

/** What an upsert did: records newly inserted, records replaced, and texts embedded on the way. */
public record UpsertResult(int inserted, int updated, int embedded) {}
