package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.CacheControl;

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

    /**
     * The {@code cache_control} of the block or tool at {@code parent}, or {@code null} when it has none: an object
     * with a string {@code type} (and, when given, a string {@code ttl}), kept verbatim so that what Anthropic adds
     * to it passes through; the values are Anthropic's to judge.
     */
    static CacheControl cacheControl(JsonNode obj, String parent) {
        JsonNode v = obj.get("cache_control");
        if (v == null || v.isNull()) {
            return null;
        }
        String path = parent + ".cache_control";
        if (!v.isObject()) {
            throw AnthropicError.invalid(path, "Input should be an object");
        }
        if (requiredString(v, "type", path).isEmpty()) {
            throw AnthropicError.invalid(path + ".type", "must not be empty");
        }
        optionalString(v, "ttl", path);
        return new CacheControl(v.toString());
    }
}
