package dev.caracal.llm;

import java.util.Objects;

/**
 * The shape the caller wants the answer's text in (structured outputs): any JSON object, or JSON valid against a
 * schema. {@code null} on a {@link ChatRequest} means free text. Each provider asks for it in its own terms: OpenAI
 * as {@code response_format}, Anthropic through a tool the model is made to call whose input is the answer, Ollama
 * as {@code format}; the answer comes back as the message's text either way.
 *
 * @param type        what is asked for
 * @param name        the schema's name ({@code JSON_SCHEMA}; letters, digits, {@code _} and {@code -}), else null
 * @param description what the schema is for, or null
 * @param schemaJson  the JSON schema as JSON text ({@code JSON_SCHEMA}), else null
 * @param strict      whether the provider must follow the schema exactly (OpenAI's {@code strict}), or null
 */
public record ResponseFormat(Type type, String name, String description, String schemaJson, Boolean strict) {
    public enum Type {
        /** Any JSON object. */
        JSON_OBJECT,
        /** JSON valid against {@link #schemaJson}. */
        JSON_SCHEMA
    }

    public ResponseFormat {
        Objects.requireNonNull(type, "type");
        if (type == Type.JSON_SCHEMA) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(schemaJson, "schemaJson");
        }
    }

    public static ResponseFormat jsonObject() {
        return new ResponseFormat(Type.JSON_OBJECT, null, null, null, null);
    }

    public static ResponseFormat jsonSchema(String name, String description, String schemaJson, Boolean strict) {
        return new ResponseFormat(Type.JSON_SCHEMA, name, description, schemaJson, strict);
    }
}
