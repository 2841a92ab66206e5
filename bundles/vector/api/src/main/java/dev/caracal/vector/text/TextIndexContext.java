package dev.caracal.vector.text;

import java.nio.file.Path;

/** What a text index gets from the store: the collection's name and a directory of its own to persist into. */
public record TextIndexContext(String collection, Path directory) {}
