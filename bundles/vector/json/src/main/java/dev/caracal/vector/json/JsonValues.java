package dev.caracal.vector.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.vector.InvalidRequestException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/** Scalars and typed members of the vector API's JSON, failing with an {@link InvalidRequestException} naming them. */
final class JsonValues {
    private JsonValues() {}

    /** A JSON scalar as Java: String, Long (integral), Double, Boolean or null. */
    static Object scalar(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        return v.asText();
    }

    /**
     * Refuses a member of {@code node} not in {@code accepted}, naming it ({@code prefix} + its name): nothing a
     * client sends is dropped unread.
     */
    static void onlyMembers(JsonNode node, String prefix, Set<String> accepted) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!accepted.contains(name)) {
                throw new InvalidRequestException(
                        prefix + name,
                        "unknown member '" + name + "'"
                                + (prefix.isEmpty() ? "" : " in " + prefix.substring(0, prefix.length() - 1))
                                + "; accepted: " + String.join(", ", new TreeSet<>(accepted)));
            }
        }
    }

    static String requiredText(JsonNode body, String name) {
        return requiredText(body, name, name);
    }

    static String requiredText(JsonNode body, String name, String path) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            throw new InvalidRequestException(path, path + " is required");
        }
        if (!n.isTextual() || n.textValue().isBlank()) {
            throw new InvalidRequestException(path, path + " must be a non-empty string");
        }
        return n.textValue();
    }

    static String optionalText(JsonNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidRequestException(name, name + " must be a string");
        }
        return n.textValue();
    }
}
