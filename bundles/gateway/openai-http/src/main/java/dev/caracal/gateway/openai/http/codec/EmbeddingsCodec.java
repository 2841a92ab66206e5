package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.ChatCompletionRenderer.F;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.Embeddings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The OpenAI embeddings request and response shapes. */
public final class EmbeddingsCodec {
    /** OpenAI's limit on inputs per request. */
    public static final int MAX_INPUTS = 2048;

    private EmbeddingsCodec() {}

    public static EmbeddingsCall parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(
                    null, InvalidRequestException.INVALID_TYPE, "The request body must be a JSON object.");
        }
        String model = Fields.requiredNonEmptyString(body, "model", "model");
        JsonNode input = Fields.required(body, "input", "input");
        List<String> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(nonEmpty(input.textValue(), "input"));
        } else if (input.isArray()) {
            if (input.isEmpty()) {
                throw InvalidRequestException.value("input", "must not be an empty array.");
            }
            if (input.size() > MAX_INPUTS) {
                throw InvalidRequestException.value(
                        "input", "at most " + MAX_INPUTS + " inputs per request, got " + input.size() + ".");
            }
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                String p = Fields.path("input", i);
                if (item.isNumber() || item.isArray()) {
                    throw InvalidRequestException.unsupportedValue(
                            "input", "token arrays are not supported by this gateway; send the text as strings.");
                }
                if (!item.isTextual()) {
                    throw InvalidRequestException.type(p, "a string");
                }
                inputs.add(nonEmpty(item.textValue(), p));
            }
        } else {
            throw InvalidRequestException.type("input", "a string or an array of strings");
        }
        String format = Fields.optionalString(body, "encoding_format", "encoding_format");
        boolean base64;
        if (format == null || format.equals("float")) {
            base64 = false;
        } else if (format.equals("base64")) {
            base64 = true;
        } else {
            throw InvalidRequestException.value(
                    "encoding_format", "must be 'float' or 'base64', got '" + format + "'.");
        }
        Long dims = Fields.optionalInteger(body, "dimensions", "dimensions", 1, Integer.MAX_VALUE);
        refuseUncarried(body);
        return new EmbeddingsCall(model, inputs, base64, dims == null ? null : dims.intValue());
    }

    /** The members an embeddings request is read from; any other is refused, never ignored. */
    static final java.util.Set<String> READ = java.util.Set.of("model", "input", "encoding_format", "dimensions");

    /**
     * Refuses, by name, what the embedding models cannot be given: the end {@code user} (embedding providers get no
     * caller attribution through this gateway) and any member it does not know. JSON {@code null}s pass.
     */
    private static void refuseUncarried(JsonNode body) {
        var fields = body.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String name = field.getKey();
            if (READ.contains(name) || field.getValue().isNull()) {
                continue;
            }
            if (name.equals("user")) {
                throw InvalidRequestException.unsupported(
                        "user",
                        "the end user of an embeddings call is not carried to embedding models by this gateway;"
                                + " leave it out.");
            }
            throw new InvalidRequestException(
                    name,
                    "unknown_parameter",
                    "Unrecognized request argument supplied: " + name + ". This gateway does not know it and will"
                            + " not drop it; leave it out.");
        }
    }

    private static String nonEmpty(String s, String param) {
        if (s.isEmpty()) {
            throw InvalidRequestException.value(param, "must not be an empty string.");
        }
        return s;
    }

    /** 400 when the client asked for {@code dimensions} the model does not produce. */
    public static void checkDimensions(EmbeddingsCall call, Embeddings embeddings) {
        if (call.dimensions() == null || embeddings.vectors().isEmpty()) {
            return;
        }
        int actual = embeddings.vectors().get(0).length;
        if (actual != call.dimensions()) {
            throw InvalidRequestException.unsupportedValue(
                    "dimensions",
                    "model '" + call.model() + "' produces " + actual
                            + " dimensions and cannot shorten them; omit 'dimensions' or ask for " + actual + ".");
        }
    }

    public static ObjectNode render(EmbeddingsCall call, Embeddings embeddings) {
        ObjectNode root = F.objectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        List<float[]> vectors = embeddings.vectors();
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            float[] v = vectors.get(i);
            if (call.base64()) {
                item.put("embedding", base64(v));
            } else {
                ArrayNode arr = item.putArray("embedding");
                for (float f : v) {
                    arr.add(f);
                }
            }
        }
        root.put("model", call.model());
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", embeddings.inputTokens());
        usage.put("total_tokens", embeddings.inputTokens());
        return root;
    }

    /** Little-endian IEEE 754 float32 values, base64-encoded, as OpenAI sends {@code encoding_format=base64}. */
    public static String base64(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            buf.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }
}
