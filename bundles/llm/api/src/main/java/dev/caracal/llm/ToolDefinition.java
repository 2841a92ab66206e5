package dev.caracal.llm;

import java.util.Objects;

/**
 * A tool the model may call; {@code inputSchemaJson} is a JSON Schema object as text; {@code strict} asks that the
 * call's arguments follow the schema exactly (OpenAI's {@code function.strict}, Anthropic's strict tool use), or
 * {@code null} for the provider's default; {@code cacheControl} is the client's prompt-cache breakpoint on this tool
 * (the tools up to and including it are worth caching), or {@code null}.
 */
public record ToolDefinition(
        String name, String description, String inputSchemaJson, Boolean strict, CacheControl cacheControl) {
    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        inputSchemaJson = inputSchemaJson == null ? "{\"type\":\"object\"}" : inputSchemaJson;
    }

    /** A tool without a cache breakpoint (the form before {@code cacheControl} existed). */
    public ToolDefinition(String name, String description, String inputSchemaJson, Boolean strict) {
        this(name, description, inputSchemaJson, strict, null);
    }

    /** A tool without a strictness wish (the form before {@code strict} existed). */
    public ToolDefinition(String name, String description, String inputSchemaJson) {
        this(name, description, inputSchemaJson, null, null);
    }
}
