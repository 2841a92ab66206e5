package dev.caracal.rag;

/** A structural part of a parsed document (a heading's section, a paragraph, a table), with its offsets in the text. */
public record Section(String heading, int level, int start, int end) {}
