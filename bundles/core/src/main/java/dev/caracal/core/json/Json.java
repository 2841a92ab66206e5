package dev.caracal.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The shared, thread-safe Jackson mapper. Strict on input: no trailing tokens, no NaN/Infinity literals, no
 * duplicate keys, bounded nesting; stable on output: ISO dates, no indentation.
 */
public final class Json {

    private static final ObjectMapper MAPPER = create();

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The members of JSON object {@code object} whose names are not in {@code read}, each as its JSON text, in the
     * object's order: what a reader of a request body did not read, kept rather than dropped.
     */
    public static Map<String, String> membersExcept(JsonNode object, Set<String> read) {
        Map<String, String> rest = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!read.contains(e.getKey())) {
                rest.put(e.getKey(), compact(e.getValue()));
            }
        }
        return rest;
    }

    /**
     * The compact JSON text of {@code node}: strings, integers, booleans, null and empty containers without a
     * generator (a gateway call keeps several such small values per request), anything else as Jackson writes it.
     */
    public static String compact(JsonNode node) {
        switch (node.getNodeType()) {
            case STRING:
                return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(node.textValue())) + '"';
            case BOOLEAN:
                return node.booleanValue() ? "true" : "false";
            case NULL:
                return "null";
            case NUMBER:
                if (!node.isFloatingPointNumber() || node.isBigDecimal()) {
                    return node.asText();
                }
                return node.toString();
            case ARRAY:
                return node.isEmpty() ? "[]" : node.toString();
            case OBJECT:
                return node.isEmpty() ? "{}" : node.toString();
            default:
                return node.toString();
        }
    }

    /**
     * Writes {@code rawJson}, as is, at JSON Pointer {@code pointer} (RFC 6901, such as {@code /choices/0/logprobs})
     * in {@code root}, replacing what is there: objects on the way are created when missing, array elements must
     * exist. Returns false, changing nothing, when the pointer is empty, ends in an array element, or passes through
     * a value that is neither (an array index out of range, a member that is a string). The value is written raw, so
     * what a client gets is the text it was given, not a re-rendering of it.
     */
    public static boolean putRawAt(ObjectNode root, String pointer, String rawJson) {
        if (pointer == null || !pointer.startsWith("/") || rawJson == null) {
            return false;
        }
        String[] tokens = pointer.substring(1).split("/", -1);
        JsonNode node = root;
        for (int i = 0; i < tokens.length - 1; i++) {
            String token = unescape(tokens[i]);
            if (node instanceof ObjectNode object) {
                JsonNode child = object.get(token);
                if (child == null || child.isNull()) {
                    child = object.putObject(token);
                }
                node = child;
            } else if (node instanceof ArrayNode array) {
                int index = arrayIndex(token);
                if (index < 0 || index >= array.size()) {
                    return false;
                }
                node = array.get(index);
            } else {
                return false;
            }
        }
        if (!(node instanceof ObjectNode target)) {
            return false;
        }
        target.putRawValue(unescape(tokens[tokens.length - 1]), new RawValue(rawJson));
        return true;
    }

    private static int arrayIndex(String token) {
        if (token.isEmpty() || token.length() > 9 || (token.length() > 1 && token.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(token);
    }

    private static String unescape(String token) {
        return token.indexOf('~') < 0 ? token : token.replace("~1", "/").replace("~0", "~");
    }

    private static ObjectMapper create() {
        JsonFactory factory = new JsonFactoryBuilder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(64)
                        .maxStringLength(64 * 1024 * 1024)
                        .maxNumberLength(400)
                        .build())
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
    }
}
