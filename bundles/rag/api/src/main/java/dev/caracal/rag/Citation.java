package dev.caracal.rag;

/** Where part of an answer came from: the chunk record, its source document, and the quoted text. */
public record Citation(String chunkId, String source, String snippet) {}
