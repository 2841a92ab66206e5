package dev.caracal.llm;

import java.util.Objects;

/**
 * A tool the model may call; {@code inputSchemaJson} is a JSON Schema object as text; {@code strict} asks that the
 * call's arguments follow the schema exactly (OpenAI's {@code function.strict}, Anthropic's strict tool use), or
 * {@code null} for the provider's default.
 */
public record ToolDefinition(String name, String description, String inputSchemaJson, Boolean strict) {
    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        inputSchemaJson = inputSchemaJson == null ? "{\"type\":\"object\"}" : inputSchemaJson;
    }

    /** A tool without a strictness wish (the form before {@code strict} existed). */
    public ToolDefinition(String name, String description, String inputSchemaJson) {
        this(name, description, inputSchemaJson, null);
    }
}
