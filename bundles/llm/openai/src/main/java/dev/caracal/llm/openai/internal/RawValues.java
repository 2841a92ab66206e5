package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.CharTypes;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.MemberNames;
import java.io.IOException;
import java.io.StringWriter;

/**
 * The raw JSON text of an unmodeled member's value, exactly as the tree-based readers kept it ({@link Json#write} of
 * the value's tree), but without the tree: reading a value as a tree and serializing the tree was most of what keeping
 * OpenAI's members cost a non-streamed answer (issue 15). The value's tokens are copied from the parser into a
 * generator of the shared mapper, each as its tree node would write itself, so the text is the tree's, character for
 * character:
 *
 * <ul>
 *   <li>an integer as the tree keeps it, by its size ({@code int}, {@code long}, {@code BigInteger}: {@code -0} is
 *       {@code 0});
 *   <li>a fraction or exponent as a {@code double} (the mapper reads no floats as decimals): {@code 2.50} is
 *       {@code 2.5}, {@code 1e3} is {@code 1000.0}, {@code 1e400} is {@code "Infinity"};
 *   <li>strings and member names escaped by the same writer;
 *   <li>an object that repeats a member name, which its tree resolves (the last value, at the place of the first), is
 *       copied whole, repetition and all, and that text read as a tree and written: every token above reads back as
 *       the node it was copied from, so that tree is the value's.
 * </ul>
 *
 * Strings, booleans, integers and empty containers, which most kept members are, take no generator, and a string
 * without a character to escape is quoted in the reused buffer. Were the mapper
 * ever to read numbers otherwise (decimals, big or long integers), the value is read as a tree instead.
 *
 * <p>Not thread-safe: one per reader.
 */
final class RawValues {

    /** Whether the mapper's trees hold numbers as copied here; otherwise every value is read as a tree. */
    private static final boolean NUMBERS_AS_COPIED =
            !Json.MAPPER.isEnabled(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    && !Json.MAPPER.isEnabled(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                    && !Json.MAPPER.isEnabled(DeserializationFeature.USE_LONG_FOR_INTS);

    /** The characters {@link JsonStringEncoder} escapes below 128 (a code not 0), as the generators do. */
    private static final int[] ESCAPES = CharTypes.get7BitOutputEscapes();

    /** The copied text (reused: a generator flushes into it), and the names of the objects being copied. */
    private StringWriter out;

    private MemberNames names;

    /** The raw text of the value starting at token {@code t} (not JSON null); leaves the parser on its last token. */
    String text(JsonParser p, JsonToken t) throws IOException {
        if (!NUMBERS_AS_COPIED) {
            return Json.write(ChunkValues.tree(p));
        }
        switch (t) {
            case VALUE_STRING:
                return quoted(p);
            case VALUE_TRUE:
                return "true";
            case VALUE_FALSE:
                return "false";
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NumberOutput.toString(p.getIntValue());
                    case LONG -> NumberOutput.toString(p.getLongValue());
                    default -> p.getBigIntegerValue().toString();
                };
            case START_ARRAY: {
                JsonToken first = p.nextToken();
                return first == JsonToken.END_ARRAY ? "[]" : copied(p, t, first, null);
            }
            case START_OBJECT: {
                String first = p.nextFieldName();
                return first == null ? "{}" : copied(p, t, null, first);
            }
            default:
                return copied(p, t, null, null); // a float
        }
    }

    /**
     * The current string token's JSON text: most need no escape, and are quoted in the reused buffer instead of
     * through the encoder's own (the check is the encoder's: a character below 128 it escapes).
     */
    private String quoted(JsonParser p) throws IOException {
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        int end = offset + p.getTextLength();
        for (int i = offset; i < end; i++) {
            if (chars[i] < ESCAPES.length && ESCAPES[chars[i]] != 0) {
                return quoted(p.getText());
            }
        }
        StringBuffer b = buffer();
        return b.append('"').append(chars, offset, end - offset).append('"').toString();
    }

    /** A string's JSON text, escaped as {@link Json#write} escapes a string node. */
    static String quoted(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }

    /**
     * Copies the value starting at {@code t}: a float, or a container whose first element token or first member
     * name has been read already.
     */
    private String copied(JsonParser p, JsonToken t, JsonToken firstElement, String firstName) throws IOException {
        buffer();
        boolean repeated;
        // a generator per value: closing it hands its buffer back to Jackson's pool, which the next one takes
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            if (t == JsonToken.START_ARRAY) {
                repeated = array(p, firstElement, g);
            } else if (t == JsonToken.START_OBJECT) {
                repeated = object(p, firstName, g);
            } else {
                repeated = value(p, t, g);
            }
        } finally {
            names.clear();
        }
        String text = out.toString();
        return repeated ? Json.write(Json.MAPPER.readTree(text)) : text;
    }

    /** The reused buffer, emptied. */
    private StringBuffer buffer() {
        if (out == null) {
            out = new StringWriter(64);
            names = new MemberNames();
        }
        StringBuffer b = out.getBuffer();
        b.setLength(0);
        return b;
    }

    /** Copies the value at {@code t}; whether an object in it repeats a member name. */
    private boolean value(JsonParser p, JsonToken t, JsonGenerator g) throws IOException {
        if (t == null) {
            throw new IOException("the value ends early");
        }
        switch (t) {
            case START_ARRAY:
                return array(p, p.nextToken(), g);
            case START_OBJECT:
                return object(p, p.nextFieldName(), g);
            case VALUE_STRING:
                g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                return false;
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT -> g.writeNumber(p.getIntValue());
                    case LONG -> g.writeNumber(p.getLongValue());
                    default -> g.writeNumber(p.getBigIntegerValue());
                }
                return false;
            case VALUE_NUMBER_FLOAT:
                g.writeNumber(p.getDoubleValue()); // a DoubleNode writes itself so
                return false;
            case VALUE_TRUE:
            case VALUE_FALSE:
                g.writeBoolean(t == JsonToken.VALUE_TRUE);
                return false;
            case VALUE_NULL:
                g.writeNull();
                return false;
            default:
                throw new IOException("unexpected token " + t);
        }
    }

    /** Copies an array whose first element token (or end) is {@code first}. */
    private boolean array(JsonParser p, JsonToken first, JsonGenerator g) throws IOException {
        boolean repeated = false;
        g.writeStartArray();
        for (JsonToken t = first; t != JsonToken.END_ARRAY; t = p.nextToken()) {
            repeated |= value(p, t, g);
        }
        g.writeEndArray();
        return repeated;
    }

    /** Copies an object whose first member name is {@code first} ({@code null}: it has none). */
    private boolean object(JsonParser p, String first, JsonGenerator g) throws IOException {
        boolean repeated = false;
        int mark = names.mark();
        g.writeStartObject();
        for (String name = first; name != null; name = p.nextFieldName()) {
            if (!repeated) {
                try {
                    names.add(mark, name);
                } catch (MemberNames.Repeated e) {
                    repeated = true;
                }
            }
            g.writeFieldName(name);
            repeated |= value(p, p.nextToken(), g);
        }
        g.writeEndObject();
        names.reset(mark);
        return repeated;
    }
}
