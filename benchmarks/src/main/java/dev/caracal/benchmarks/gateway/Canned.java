package dev.caracal.benchmarks.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The upstream's canned answers, byte for byte what OpenAI's and Anthropic's APIs send for a short reply, so that the
 * gateway parses, maps and writes a realistic answer on the measured path (a toy body would under-charge it). The
 * streamed text is {@link #TOKENS} tokens {@code pong0}, {@code pong1}, ...: the first one appears nowhere else in a
 * stream, so a client sees when it arrives. With {@code passThrough} the answers carry members the gateway does not
 * model (OpenAI's {@code system_fingerprint}, Anthropic's {@code container}), which it must hand back verbatim.
 */
final class Canned {
    /** Models the two providers list: each provider claims its own, so the gateway routes each name to one. */
    static final String OPENAI_MODEL = "bench-model";

    static final String ANTHROPIC_MODEL = "bench-claude";

    /** Content tokens per streamed answer. */
    static final int TOKENS = 8;

    /** The first streamed token, whose arrival is the time to first token. */
    static final String FIRST_TOKEN = token(0);

    /** What the pass-through answers carry that the gateway does not model, per format. */
    static final String OPENAI_MARKER = "fp_bench01";

    static final String ANTHROPIC_MARKER = "container_bench01";

    private Canned() {}

    static String token(int i) {
        return "pong" + i;
    }

    /** The streamed text whole, to check that a stream delivered every token in order. */
    static String streamedText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < TOKENS; i++) {
            sb.append(token(i));
        }
        return sb.toString();
    }

    /** OpenAI's chat completion, not streamed; with {@code passThrough} every member OpenAI's own answer has. */
    static byte[] completion(boolean passThrough) {
        String head = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,\"model\":\""
                + OPENAI_MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":";
        return bytes(
                passThrough
                        ? head + "\"pong\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,"
                                + "\"total_tokens\":6,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                                + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                                + "\"service_tier\":\"default\",\"system_fingerprint\":\"" + OPENAI_MARKER + "\"}"
                        : head + "\"pong\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,"
                                + "\"completion_tokens\":1,\"total_tokens\":6}}");
    }

    /** OpenAI's {@code GET /v1/models}. */
    static byte[] openAiModels() {
        return bytes("{\"object\":\"list\",\"data\":[{\"id\":\"" + OPENAI_MODEL
                + "\",\"object\":\"model\",\"created\":1,\"owned_by\":\"bench\"}]}");
    }

    /** Anthropic's {@code GET /v1/models} (one page: the provider reads {@code has_more} and {@code last_id}). */
    static byte[] anthropicModels() {
        return bytes("{\"data\":[{\"type\":\"model\",\"id\":\"" + ANTHROPIC_MODEL
                + "\",\"display_name\":\"Bench Claude\","
                + "\"created_at\":\"2025-01-01T00:00:00Z\"}],\"has_more\":false,\"first_id\":\"" + ANTHROPIC_MODEL
                + "\",\"last_id\":\"" + ANTHROPIC_MODEL + "\"}");
    }

    /** Anthropic's {@code POST /v1/messages} answer, not streamed. */
    static byte[] message(boolean passThrough) {
        return bytes(
                "{\"id\":\"msg_bench01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + ANTHROPIC_MODEL
                        + "\",\"content\":[{\"type\":\"text\",\"text\":\"pong\"}],\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"cache_creation_input_tokens\":0,"
                        + "\"cache_read_input_tokens\":0,\"output_tokens\":1"
                        + (passThrough ? ",\"service_tier\":\"standard\"}," + container() + "}" : "}}"));
    }

    private static String container() {
        return "\"container\":{\"id\":\"" + ANTHROPIC_MARKER + "\",\"expires_at\":\"2025-01-01T00:00:00Z\"}";
    }

    /** Anthropic's authentication failure, for a call without {@code x-api-key}. */
    static byte[] anthropicUnauthorized() {
        return bytes("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                + "\"message\":\"x-api-key header is required\"}}");
    }

    /** OpenAI's authentication failure, for a call without {@code Authorization}. */
    static byte[] openAiUnauthorized() {
        return bytes("{\"error\":{\"message\":\"You didn't provide an API key.\",\"type\":\"invalid_request_error\","
                + "\"param\":null,\"code\":null}}");
    }

    /**
     * A streamed chat completion as OpenAI sends it: a first chunk with the role (and empty content), one chunk per
     * token, a chunk with {@code finish_reason}, then with {@code include_usage} a chunk of usage and no choices (every
     * chunk then carries {@code "usage":null}), then {@code data: [DONE]}. One element per event, each flushed on its
     * own.
     */
    static List<byte[]> completionChunks(boolean includeUsage, boolean passThrough) {
        String head = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\""
                + OPENAI_MODEL + "\""
                + (passThrough ? ",\"service_tier\":\"default\",\"system_fingerprint\":\"" + OPENAI_MARKER + "\"" : "")
                + ",\"choices\":";
        String tail = (includeUsage ? ",\"usage\":null" : "") + "}\n\n";
        List<String> events = new ArrayList<>();
        events.add(head + choice("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null") + tail);
        for (int i = 0; i < TOKENS; i++) {
            events.add(head + choice("{\"content\":\"" + token(i) + "\"}", "null") + tail);
        }
        events.add(head + choice("{}", "\"stop\"") + tail);
        if (includeUsage) {
            events.add(head + "[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":" + TOKENS + ",\"total_tokens\":"
                    + (5 + TOKENS) + "}}\n\n");
        }
        events.add("data: [DONE]\n\n");
        return events.stream().map(Canned::bytes).toList();
    }

    private static String choice(String delta, String finishReason) {
        return "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]";
    }

    /**
     * A streamed message as Anthropic sends it: {@code message_start}, {@code content_block_start}, a {@code ping},
     * one {@code content_block_delta} per token, {@code content_block_stop}, {@code message_delta} (stop reason and
     * output usage), {@code message_stop}; each an {@code event:} line and a {@code data:} line.
     */
    static List<byte[]> messageEvents(boolean passThrough) {
        List<String> events = new ArrayList<>();
        events.add(event(
                "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench01\",\"type\":\"message\",\"role\":"
                        + "\"assistant\",\"model\":\"" + ANTHROPIC_MODEL + "\",\"content\":[],\"stop_reason\":null,"
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"cache_creation_input_tokens\":0,"
                        + "\"cache_read_input_tokens\":0,\"output_tokens\":1"
                        + (passThrough ? ",\"service_tier\":\"standard\"}," + container() + "}}" : "}}}")));
        events.add(event(
                "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        events.add(event("ping", "{\"type\": \"ping\"}"));
        for (int i = 0; i < TOKENS; i++) {
            events.add(event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
                            + token(i) + "\"}}"));
        }
        events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        events.add(event(
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":" + TOKENS + "}}"));
        events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        return events.stream().map(Canned::bytes).toList();
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
