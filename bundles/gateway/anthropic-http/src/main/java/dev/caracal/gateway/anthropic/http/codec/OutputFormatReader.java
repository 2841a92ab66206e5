package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ResponseFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * Anthropic's structured outputs, {@code output_config.format} (generally available) and the beta's
 * {@code output_format}: a {@code json_schema} format whose {@code schema} the answer's text must follow. Read into the
 * normalized {@link ResponseFormat} (strict, as Anthropic's constrained decoding is) so that any provider can honour
 * it in its own terms, and kept as sent among the request's originals so that an Anthropic provider sends Claude the
 * client's own member instead of a translation.
 *
 * <p>An {@code output_config} holding more than {@code format} (such as {@code effort}) is not read: it stays an extra,
 * carried verbatim to an Anthropic provider and refused by name by others, which cannot honour the rest of it.
 */
final class OutputFormatReader {
    /** The schema's name for providers that need one (OpenAI's {@code json_schema.name}): Anthropic's has none. */
    static final String SCHEMA_NAME = "response";

    static final String OUTPUT_CONFIG = "output_config";
    static final String OUTPUT_FORMAT = "output_format";

    private OutputFormatReader() {}

    /** Whether {@code body}'s {@code output_config} is read (holds {@code format} alone), not kept as an extra. */
    static boolean readsOutputConfig(JsonNode body) {
        JsonNode config = body.get(OUTPUT_CONFIG);
        if (config == null || config.isNull() || !config.isObject()) {
            return config != null; // null: nothing to carry; not an object: refused by read()
        }
        Iterator<String> names = config.fieldNames();
        while (names.hasNext()) {
            if (!names.next().equals("format")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The response format {@code body} asks for, or {@code null}; the members read are put, as sent, into
     * {@code originals}.
     */
    static ResponseFormat read(JsonNode body, Map<String, String> originals) {
        ResponseFormat fromConfig = null;
        JsonNode config = body.get(OUTPUT_CONFIG);
        if (config != null && !config.isNull()) {
            if (!config.isObject()) {
                throw AnthropicError.invalid(OUTPUT_CONFIG, "Input should be an object");
            }
            if (readsOutputConfig(body)) {
                fromConfig = format(config.get("format"), OUTPUT_CONFIG + ".format");
                originals.put(OUTPUT_CONFIG, config.toString());
            }
        }
        JsonNode beta = body.get(OUTPUT_FORMAT);
        if (beta == null || beta.isNull()) {
            return fromConfig;
        }
        if (config != null && !config.isNull() && config.has("format")) {
            throw AnthropicError.invalid(
                    OUTPUT_FORMAT, "give the format once: output_config.format (or the beta's output_format)");
        }
        ResponseFormat fromBeta = format(beta, OUTPUT_FORMAT);
        originals.put(OUTPUT_FORMAT, beta.toString());
        return fromBeta;
    }

    private static ResponseFormat format(JsonNode format, String path) {
        if (format == null || format.isNull()) {
            return null;
        }
        if (!format.isObject()) {
            throw AnthropicError.invalid(path, "Input should be an object");
        }
        String type = RequestFields.requiredString(format, "type", path);
        if (!type.equals("json_schema")) {
            throw AnthropicError.invalid(path + ".type", "Input should be 'json_schema'");
        }
        JsonNode schema = format.get("schema");
        if (schema == null || schema.isNull()) {
            throw AnthropicError.invalid(path + ".schema", "Field required");
        }
        if (!schema.isObject()) {
            throw AnthropicError.invalid(path + ".schema", "Input should be an object");
        }
        Iterator<String> names = format.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("type") && !name.equals("schema")) {
                throw AnthropicError.invalid(path + "." + name, "Extra inputs are not permitted");
            }
        }
        return ResponseFormat.jsonSchema(SCHEMA_NAME, null, schema.toString(), true);
    }
}
