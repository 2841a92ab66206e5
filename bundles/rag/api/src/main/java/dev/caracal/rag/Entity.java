package dev.caracal.rag;

/** An entity found in text: its canonical name, type (person, organization, concept, ...) and a description. */
public record Entity(String name, String type, String description) {}
