package dev.caracal.vector;

import java.util.Map;

/** One result: the record's id, its score (higher is more similar), metadata, text, and vector when asked for. */
public record SearchHit(String id, double score, Map<String, Object> metadata, String text, float[] vector) {}
