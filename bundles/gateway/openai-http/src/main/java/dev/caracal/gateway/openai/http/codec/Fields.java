package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed reads of request fields; every failure names the field by its OpenAI path. Public for the other OpenAI
 * request codecs of this bundle (Responses, legacy Completions).
 */
public final class Fields {

    private Fields() {}

    public static String path(String parent, String name) {
        return parent == null || parent.isEmpty() ? name : parent + "." + name;
    }

    public static String path(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The member, or null when it is absent or JSON null. */
    public static JsonNode get(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        return n == null || n.isNull() ? null : n;
    }

    public static JsonNode required(JsonNode obj, String name, String param) {
        JsonNode n = get(obj, name);
        if (n == null) {
            throw InvalidRequestException.missing(param);
        }
        return n;
    }

    public static String requiredString(JsonNode obj, String name, String param) {
        JsonNode n = required(obj, name, param);
        if (!n.isTextual()) {
            throw InvalidRequestException.type(param, "a string");
        }
        return n.textValue();
    }

    public static String requiredNonEmptyString(JsonNode obj, String name, String param) {
        String s = requiredString(obj, name, param);
        if (s.isEmpty()) {
            throw InvalidRequestException.value(param, "must not be empty.");
        }
        return s;
    }

    public static String optionalString(JsonNode obj, String name, String param) {
        JsonNode n = get(obj, name);
        if (n == null) {
            return null;
        }
        if (!n.isTextual()) {
            throw InvalidRequestException.type(param, "a string");
        }
        return n.textValue();
    }

    public static boolean optionalBoolean(JsonNode obj, String name, String param, boolean dflt) {
        JsonNode n = get(obj, name);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw InvalidRequestException.type(param, "a boolean");
        }
        return n.booleanValue();
    }

    public static JsonNode optionalObject(JsonNode obj, String name, String param) {
        JsonNode n = get(obj, name);
        if (n != null && !n.isObject()) {
            throw InvalidRequestException.type(param, "an object");
        }
        return n;
    }

    public static JsonNode optionalArray(JsonNode obj, String name, String param) {
        JsonNode n = get(obj, name);
        if (n != null && !n.isArray()) {
            throw InvalidRequestException.type(param, "an array");
        }
        return n;
    }

    /** A number within [min, max], or null when absent. */
    public static Double optionalNumber(JsonNode obj, String name, double min, double max) {
        JsonNode n = get(obj, name);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            throw InvalidRequestException.type(name, "a number");
        }
        double v = n.doubleValue();
        if (!(v >= min && v <= max)) {
            throw InvalidRequestException.value(
                    name, "must be between " + fmt(min) + " and " + fmt(max) + ", got " + n.asText() + ".");
        }
        return v;
    }

    /** An integer at least {@code min} (and at most {@code max}), or null when absent. */
    public static Long optionalInteger(JsonNode obj, String name, String param, long min, long max) {
        JsonNode n = get(obj, name);
        if (n == null) {
            return null;
        }
        if (!isInteger(n)) {
            throw InvalidRequestException.type(param, "an integer");
        }
        if (!n.canConvertToLong()) {
            throw InvalidRequestException.value(param, "is out of range.");
        }
        long v = n.longValue();
        if (v < min) {
            throw InvalidRequestException.value(param, "must be at least " + min + ", got " + v + ".");
        }
        if (v > max) {
            throw InvalidRequestException.value(param, "must be at most " + max + ", got " + v + ".");
        }
        return v;
    }

    public static boolean isInteger(JsonNode n) {
        return n.isIntegralNumber() || (n.isFloatingPointNumber() && n.canConvertToExactIntegral());
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
