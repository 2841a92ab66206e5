package dev.caracal.gateway.openai.http.completions;

import static dev.caracal.gateway.openai.http.codec.Fields.get;
import static dev.caracal.gateway.openai.http.codec.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.gateway.openai.http.codec.ChatCompletionParser;
import dev.caracal.gateway.openai.http.codec.Fields;
import dev.caracal.gateway.openai.http.codec.GenerationFields;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.Message;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.SamplingParameters;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a legacy Completions request onto the gateway's chat call: the {@code prompt} (a string, or an array of one
 * string) is the one user message, and the answer's text is the completion. Like a Responses request it is
 * translated, not passed through: what the chat call cannot honour (several prompts, token prompts, {@code suffix},
 * {@code echo}, {@code logprobs}, {@code best_of} above 1, {@code n} above 1, a logit bias) and any member this parser
 * does not know are refused with a 400 naming them.
 */
public final class CompletionsParser {
    /** The top-level members this parser reads; every other member is refused by name. */
    static final Set<String> READ = Set.of(
            "model",
            "prompt",
            "max_tokens",
            "temperature",
            "top_p",
            "stop",
            "n",
            "stream",
            "stream_options",
            "presence_penalty",
            "frequency_penalty",
            "seed",
            "user",
            "suffix",
            "echo",
            "logprobs",
            "best_of",
            "logit_bias");

    private CompletionsParser() {}

    public static CompletionsCall parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(
                    null, InvalidRequestException.INVALID_TYPE, "The request body must be a JSON object.");
        }
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!READ.contains(name)) {
                throw InvalidRequestException.unsupported(
                        name, "this gateway translates Completions requests onto its chat call and cannot honour it.");
            }
        }
        refuseUnsupported(body);
        String model = Fields.requiredNonEmptyString(body, "model", "model");
        String prompt = prompt(body);
        Long n = Fields.optionalInteger(body, "n", "n", 1, 128);
        if (n != null && n != 1) {
            throw InvalidRequestException.unsupportedValue("n", "only n=1 is supported by this gateway.");
        }
        SamplingParameters sampling = GenerationFields.sampling(body, CompletionsParser::maxTokens);
        boolean stream = Fields.optionalBoolean(body, "stream", "stream", false);
        boolean includeUsage = GenerationFields.includeUsage(body, stream);
        Map<String, String> metadata = new LinkedHashMap<>();
        String user = Fields.optionalString(body, "user", "user");
        if (user != null) {
            metadata.put(ChatCompletionParser.USER_METADATA, user);
        }
        ChatRequest request = new ChatRequest(
                model,
                null,
                List.of(Message.user(prompt)),
                List.of(),
                null,
                sampling,
                GenerationFields.stop(body),
                stream,
                metadata,
                null,
                new RequestExtras(ChatCompletionParser.FORMAT, Map.of(), null),
                null);
        return new CompletionsCall(request, includeUsage);
    }

    /** {@code max_tokens}; 0, which asks for the prompt's echo alone, is refused. */
    private static Long maxTokens(JsonNode body) {
        Long maxTokens = Fields.optionalInteger(body, "max_tokens", "max_tokens", 0, Integer.MAX_VALUE);
        if (maxTokens != null && maxTokens == 0) {
            throw InvalidRequestException.unsupportedValue(
                    "max_tokens", "0 (echo the prompt without a completion) is not supported.");
        }
        return maxTokens;
    }

    /** {@code prompt}: a string, or an array of exactly one string. */
    private static String prompt(JsonNode body) {
        JsonNode prompt = Fields.required(body, "prompt", "prompt");
        if (prompt.isTextual()) {
            return prompt.textValue();
        }
        if (!prompt.isArray()) {
            throw InvalidRequestException.type("prompt", "a string or an array of one string");
        }
        if (prompt.size() != 1) {
            throw InvalidRequestException.unsupportedValue(
                    "prompt", "only one prompt per request is supported by this gateway, got " + prompt.size() + ".");
        }
        JsonNode only = prompt.get(0);
        if (only.isTextual()) {
            return only.textValue();
        }
        if (only.isNumber() || only.isArray()) {
            throw InvalidRequestException.unsupportedValue(
                    path("prompt", 0), "token prompts are not supported by this gateway; send the text.");
        }
        throw InvalidRequestException.type(path("prompt", 0), "a string");
    }

    /** The fields that ask for what a chat call cannot do, accepted only at the values that ask nothing. */
    private static void refuseUnsupported(JsonNode body) {
        String suffix = Fields.optionalString(body, "suffix", "suffix");
        if (suffix != null && !suffix.isEmpty()) {
            throw InvalidRequestException.unsupported(
                    "suffix", "insertion (text after the completion) is not supported.");
        }
        if (Fields.optionalBoolean(body, "echo", "echo", false)) {
            throw InvalidRequestException.unsupportedValue("echo", "echoing the prompt is not supported.");
        }
        if (get(body, "logprobs") != null) {
            throw InvalidRequestException.unsupported("logprobs", "log probabilities are not supported.");
        }
        Long bestOf = Fields.optionalInteger(body, "best_of", "best_of", 1, 20);
        if (bestOf != null && bestOf != 1) {
            throw InvalidRequestException.unsupportedValue("best_of", "only best_of=1 is supported by this gateway.");
        }
        JsonNode bias = Fields.optionalObject(body, "logit_bias", "logit_bias");
        if (bias != null && !bias.isEmpty()) {
            throw InvalidRequestException.unsupported("logit_bias", "logit bias is not supported.");
        }
    }
}
