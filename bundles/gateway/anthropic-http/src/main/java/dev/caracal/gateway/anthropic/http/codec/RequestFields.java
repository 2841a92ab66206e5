package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed reads of the members of a request's JSON objects, failing with the {@link AnthropicError} 400 that names the
 * member by its path ({@code parent.field}) and says what was expected, in Anthropic's words.
 */
final class RequestFields {
    private RequestFields() {}

    static String requiredString(JsonNode obj, String field) {
        return requiredString(obj, field, null);
    }

    static String requiredString(JsonNode obj, String field, String parent) {
        String path = parent == null ? field : parent + "." + field;
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            throw AnthropicError.invalid(path, "Field required");
        }
        if (!v.isTextual()) {
            throw AnthropicError.invalid(path, "Input should be a valid string");
        }
        return v.asText();
    }

    static String optionalString(JsonNode obj, String field, String parent) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw AnthropicError.invalid(parent + "." + field, "Input should be a valid string");
        }
        return v.asText();
    }

    static boolean optionalBoolean(JsonNode obj, String field, boolean dflt) {
        return optionalBoolean(obj, field, dflt, field);
    }

    static boolean optionalBoolean(JsonNode obj, String field, boolean dflt, String path) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw AnthropicError.invalid(path, "Input should be a valid boolean");
        }
        return v.booleanValue();
    }
}
