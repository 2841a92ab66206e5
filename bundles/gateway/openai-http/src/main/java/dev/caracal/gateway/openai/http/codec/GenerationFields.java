package dev.caracal.gateway.openai.http.codec;

import static dev.caracal.gateway.openai.http.codec.Fields.get;
import static dev.caracal.gateway.openai.http.codec.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.SamplingParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The members that say how to generate, read alike by the Chat Completions and legacy Completions parsers: sampling
 * ({@code temperature}, {@code top_p}, the penalties, {@code seed}), the token limit each endpoint names its own way,
 * {@code stop}, and {@code stream_options}. Each failure is a 400 naming the member.
 */
public final class GenerationFields {
    private static final int MAX_STOP = 4;

    private GenerationFields() {}

    /**
     * {@code temperature}, {@code top_p}, {@code presence_penalty}, {@code frequency_penalty}, the token limit that
     * {@code maxTokens} reads (null: none) and {@code seed}, validated in that order, so that the first bad member is
     * the one named.
     */
    public static SamplingParameters sampling(JsonNode body, Function<JsonNode, Long> maxTokens) {
        Double temperature = Fields.optionalNumber(body, "temperature", 0, 2);
        Double topP = Fields.optionalNumber(body, "top_p", 0, 1);
        Double presence = Fields.optionalNumber(body, "presence_penalty", -2, 2);
        Double frequency = Fields.optionalNumber(body, "frequency_penalty", -2, 2);
        Long limit = maxTokens.apply(body);
        Long seed = Fields.optionalInteger(body, "seed", "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        return new SamplingParameters(
                temperature, topP, null, limit == null ? null : limit.intValue(), seed, presence, frequency);
    }

    /** {@code stop}: a string or an array of at most four strings; none when absent. */
    public static List<String> stop(JsonNode body) {
        JsonNode stop = get(body, "stop");
        if (stop == null) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.textValue());
        }
        if (!stop.isArray()) {
            throw InvalidRequestException.type("stop", "a string or an array of strings");
        }
        if (stop.size() > MAX_STOP) {
            throw InvalidRequestException.value(
                    "stop", "at most " + MAX_STOP + " stop sequences are allowed, got " + stop.size() + ".");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw InvalidRequestException.type(path("stop", i), "a string");
            }
            out.add(stop.get(i).textValue());
        }
        return out;
    }

    /** {@code stream_options.include_usage}; {@code stream_options} is only allowed on a streamed call. */
    public static boolean includeUsage(JsonNode body, boolean stream) {
        JsonNode options = Fields.optionalObject(body, "stream_options", "stream_options");
        if (options == null) {
            return false;
        }
        if (!stream) {
            throw InvalidRequestException.value("stream_options", "only allowed when 'stream' is true.");
        }
        return Fields.optionalBoolean(options, "include_usage", "stream_options.include_usage", false);
    }
}
