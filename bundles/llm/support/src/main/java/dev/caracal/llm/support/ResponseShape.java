package dev.caracal.llm.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ResponseExtras;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The members of a vendor's response object that a provider's mapper reads, so that the others can be collected as
 * {@link ResponseExtras} and carried back to a client of the vendor's format. Immutable once built; build one per
 * object kind at class initialization and share it.
 *
 * <p>A member is either read whole ({@link #read}), or read into, as an object with a shape of its own
 * ({@link #object}), or as an array whose first element has a shape ({@link #firstOf}, for OpenAI's {@code choices},
 * where a gateway answer has one). What a shape does not name is collected at its JSON Pointer, raw, unless its
 * value is JSON {@code null}.
 */
public final class ResponseShape {
    private final Set<String> read;
    private final Map<String, ResponseShape> objects = new HashMap<>();
    private final Map<String, ResponseShape> arrays = new HashMap<>();

    private ResponseShape(Set<String> read) {
        this.read = read;
    }

    /** A shape whose members {@code read} are read whole. */
    public static ResponseShape read(String... read) {
        return new ResponseShape(Set.of(read));
    }

    /** This shape, with member {@code name} an object read as {@code shape}. */
    public ResponseShape object(String name, ResponseShape shape) {
        objects.put(name, shape);
        return this;
    }

    /** This shape, with member {@code name} an array whose first element is read as {@code shape}. */
    public ResponseShape firstOf(String name, ResponseShape shape) {
        arrays.put(name, shape);
        return this;
    }

    /**
     * The members of {@code node} this shape does not read, as extras of {@code format} in {@code scope}, or
     * {@link ResponseExtras#NONE} when there are none (or {@code node} is not an object).
     */
    public ResponseExtras extras(JsonNode node, String format, String scope) {
        if (node == null || !node.isObject()) {
            return ResponseExtras.NONE;
        }
        Map<String, String> out = collect(node, "", null);
        return out == null ? ResponseExtras.NONE : new ResponseExtras(format, scope, out);
    }

    private Map<String, String> collect(JsonNode object, String prefix, Map<String, String> out) {
        var fields = object.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (read.contains(name) || value.isNull()) {
                continue; // a JSON null says nothing an SDK does not read from the member's absence
            }
            String pointer = prefix + "/" + escape(name);
            ResponseShape inner = objects.get(name);
            if (inner != null) {
                if (value.isObject()) {
                    out = inner.collect(value, pointer, out);
                }
                continue;
            }
            inner = arrays.get(name);
            if (inner != null) {
                if (value.isArray() && !value.isEmpty() && value.get(0).isObject()) {
                    out = inner.collect(value.get(0), pointer + "/0", out);
                }
                continue;
            }
            if (out == null) {
                out = new LinkedHashMap<>();
            }
            out.put(pointer, Json.write(value));
        }
        return out;
    }

    /** A member name as a JSON Pointer reference token (RFC 6901: {@code ~} as {@code ~0}, {@code /} as {@code ~1}). */
    static String escape(String name) {
        if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
            return name;
        }
        return name.replace("~", "~0").replace("/", "~1");
    }
}
