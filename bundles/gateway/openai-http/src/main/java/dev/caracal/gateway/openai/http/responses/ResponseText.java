package dev.caracal.gateway.openai.http.responses;

import static dev.caracal.gateway.openai.http.codec.Fields.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.Fields;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.llm.ResponseFormat;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Responses API's {@code text}: {@code format} ({@code text}, {@code json_object}, or {@code json_schema} with its
 * {@code name}, {@code schema}, {@code description} and {@code strict} flat in the format object) becomes the llm API's
 * {@link ResponseFormat}; {@code verbosity} ({@code low}, {@code medium}, {@code high}) is carried as Chat Completions'
 * {@code verbosity}.
 *
 * @param format    the answer's shape, or null for free text
 * @param verbosity the verbosity asked for, or null
 * @param echo      the {@code text} object the response repeats
 */
record ResponseText(ResponseFormat format, String verbosity, ObjectNode echo) {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Set<String> VERBOSITY = Set.of("low", "medium", "high");

    static ResponseText parse(JsonNode body) {
        ObjectNode echo = F.objectNode();
        echo.putObject("format").put("type", "text");
        JsonNode text = Fields.optionalObject(body, "text", "text");
        if (text == null) {
            return new ResponseText(null, null, echo);
        }
        Iterator<String> names = text.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("format") && !name.equals("verbosity")) {
                throw InvalidRequestException.unsupported("text." + name, "unknown text option.");
            }
        }
        String verbosity = Fields.optionalString(text, "verbosity", "text.verbosity");
        if (verbosity != null) {
            if (!VERBOSITY.contains(verbosity)) {
                throw InvalidRequestException.value("text.verbosity", "must be 'low', 'medium' or 'high'.");
            }
            echo.put("verbosity", verbosity);
        }
        JsonNode format = Fields.optionalObject(text, "format", "text.format");
        if (format == null) {
            return new ResponseText(null, verbosity, echo);
        }
        String type = Fields.requiredString(format, "type", "text.format.type");
        ResponseFormat parsed = switch (type) {
            case "text" -> null;
            case "json_object" -> ResponseFormat.jsonObject();
            case "json_schema" -> jsonSchema(format);
            default ->
                throw InvalidRequestException.value(
                        "text.format.type", "must be 'text', 'json_object' or 'json_schema', got '" + type + "'.");
        };
        echo.set("format", format.deepCopy());
        return new ResponseText(parsed, verbosity, echo);
    }

    private static ResponseFormat jsonSchema(JsonNode format) {
        String name = Fields.requiredString(format, "name", "text.format.name");
        if (!SCHEMA_NAME.matcher(name).matches()) {
            throw InvalidRequestException.value(
                    "text.format.name", "must be 1 to 64 letters, digits, underscores or dashes.");
        }
        JsonNode schema = Fields.required(format, "schema", "text.format.schema");
        if (!schema.isObject()) {
            throw InvalidRequestException.type("text.format.schema", "an object");
        }
        String description = Fields.optionalString(format, "description", "text.format.description");
        JsonNode strict = get(format, "strict");
        if (strict != null && !strict.isBoolean()) {
            throw InvalidRequestException.type("text.format.strict", "a boolean");
        }
        return ResponseFormat.jsonSchema(
                name, description, schema.toString(), strict == null ? null : strict.booleanValue());
    }
}
