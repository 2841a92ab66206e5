package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.caracal.llm.support.Json;
import java.io.IOException;

/**
 * The values of a stream event's members, read from a parser at the value's first token as the event's tree read
 * them: the expected type straight from the token, anything else through a tree of the value and
 * {@link JsonNode#asText()} or {@code asInt}, {@code asLong}, so that an upstream's {@code "index":"1"} or
 * {@code "thinking":2.50} mean what they always meant. Each leaves the parser on the value's last token.
 */
final class EventValues {

    /**
     * The reader of values as trees, mid-event: the shared mapper's (the same nodes, numbers and all), without its
     * check for trailing tokens, since the rest of the event follows the value.
     */
    private static final ObjectReader TREES =
            Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private EventValues() {}

    /** The value as a tree. */
    static JsonNode tree(JsonParser p) throws IOException {
        return TREES.readTree(p);
    }

    /** The value's raw JSON text, as {@link Json#write} writes its tree (numbers as Jackson writes them). */
    static String raw(JsonParser p) throws IOException {
        return Json.write(tree(p));
    }

    /** {@code asText("")}: a string's text, {@code ""} for JSON null, else the tree's text ({@code ""} for containers). */
    static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return "";
        }
        return tree(p).asText();
    }

    /** {@link Json#textOrNull}: as {@link #text}, but {@code null} for JSON null. */
    static String textOrNull(JsonParser p, JsonToken t) throws IOException {
        return t == JsonToken.VALUE_NULL ? null : text(p, t);
    }

    /** A type name: a string's text; anything else names no type the decoder knows, so {@code ""}. */
    static String type(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return "";
    }

    /** A block index, as {@code asInt()} reads it (JSON null and containers are 0, {@code "1"} is 1). */
    static int index(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        return tree(p).asInt();
    }

    /** Whether the value is a number (a token count: anything else leaves the count as it was). */
    static boolean isNumber(JsonToken t) {
        return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** A number's {@code asLong()}; the value must be a number ({@link #isNumber}). */
    static long count(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        return tree(p).asLong();
    }

    /**
     * A tool call's whole input in its block's start: the JSON text of a non-empty object, else {@code ""} (streamed
     * input arrives as {@code input_json_delta}s).
     */
    static String input(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return "";
        }
        JsonNode input = tree(p);
        return input.isEmpty() ? "" : Json.write(input);
    }
}
