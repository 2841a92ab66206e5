package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.caracal.llm.support.Json;
import java.io.IOException;

/**
 * The values of a chunk's members, read from a parser at the value's first token as the chunk's tree reads them:
 * the expected type from the token, anything else through a tree of the value and {@link JsonNode#asText()},
 * {@code asInt}, {@code asLong}, so that an upstream's {@code "index":"0"} or {@code "prompt_tokens":5.7} mean what
 * they always meant. Each leaves the parser on the value's last token.
 */
final class ChunkValues {

    /**
     * The reader of values as trees, mid-chunk: the shared mapper's (the same nodes, numbers and all), without its
     * check for trailing tokens, since the rest of the chunk follows the value.
     */
    private static final ObjectReader TREES =
            Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ChunkValues() {}

    /** The value as a tree. */
    static JsonNode tree(JsonParser p) throws IOException {
        return TREES.readTree(p);
    }

    /** The value's text ({@code asText()}), or {@code null} for JSON null. */
    static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        return t == JsonToken.VALUE_NULL ? null : tree(p).asText();
    }

    /** A string that is not empty, else {@code null} (a reasoning field: anything else is no reasoning). */
    static String nonEmptyString(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getTextLength() == 0 ? null : p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** A token count, as {@code asLong(0)} reads it. */
    static long count(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        return tree(p).asLong(0);
    }

    /** Whether the value is an {@code int} (an index that is not is read as a tree). */
    static boolean isInt(JsonParser p, JsonToken t) throws IOException {
        return t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
    }

    /** Tool-call arguments: a string's text, {@code ""} for JSON null, else the JSON text (an object some send). */
    static String arguments(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        return t == JsonToken.VALUE_NULL ? "" : Json.write(tree(p));
    }

    /** Skips the value; {@code null}. */
    static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }
}
