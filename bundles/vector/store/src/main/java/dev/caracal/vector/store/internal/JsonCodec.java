package dev.caracal.vector.store.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.caracal.vector.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metadata and collection specs as JSON bytes (jackson-core streaming only). Writing validates that a value is
 * JSON-like and names the offending path; reading returns deeply unmodifiable maps and lists with integers as
 * {@code Integer}/{@code Long}/{@code BigInteger} and decimals as {@code Double}, so the in-memory copy used by
 * filters is exactly what a restart reads back.
 */
final class JsonCodec {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final int MAX_DEPTH = 64;

    private JsonCodec() {}

    /** Serializes a JSON object; throws {@link InvalidRequestException} naming {@code field} + the bad path. */
    static byte[] writeObject(Map<?, ?> map, String field) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeValue(g, map, field, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object v, String path, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new InvalidRequestException(path, "nested deeper than " + MAX_DEPTH + " levels");
        }
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigInteger bi) {
            g.writeNumber(bi);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new InvalidRequestException(path, "numbers must be finite");
            }
            if (v instanceof Float f) {
                g.writeNumber(f);
            } else {
                g.writeNumber(d);
            }
        } else if (v instanceof BigDecimal bd) {
            g.writeNumber(bd);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new InvalidRequestException(path, "numbers must be finite");
            }
            g.writeNumber(d);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new InvalidRequestException(path, "object keys must be strings");
                }
                g.writeFieldName(key);
                writeValue(g, e.getValue(), path + "." + key, depth + 1);
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            int i = 0;
            for (Object e : c) {
                writeValue(g, e, path + "[" + i++ + "]", depth + 1);
            }
            g.writeEndArray();
        } else if (v instanceof Object[] array) {
            writeValue(g, java.util.Arrays.asList(array), path, depth);
        } else {
            throw new InvalidRequestException(
                    path,
                    "unsupported value of type " + v.getClass().getSimpleName()
                            + "; use strings, numbers, booleans, null, lists and objects");
        }
    }

    /** Parses a JSON object written by {@link #writeObject}; an empty array means an empty object. */
    static Map<String, Object> readObject(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return Map.of();
        }
        try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                throw new IllegalStateException("not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) readValue(p, t);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> readObject(byte[] bytes) {
        return readObject(bytes, 0, bytes.length);
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, readValue(p, p.nextToken()));
                }
                return m.isEmpty() ? Map.of() : Collections.unmodifiableMap(m);
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(readValue(p, e));
                }
                return l.isEmpty() ? List.of() : Collections.unmodifiableList(l);
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalStateException("unexpected JSON token " + t);
        }
    }
}
