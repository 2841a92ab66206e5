package dev.caracal.benchmarks.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether an answer is what a client of its format expects, so that a smoke run shows the gateway answers in the shape
 * asked, not merely 200: an OpenAI {@code chat.completion} or a stream of {@code chat.completion.chunk} ending in
 * {@code [DONE]}; an Anthropic {@code message}, or the events {@code message_start}, {@code content_block_start},
 * {@code content_block_delta} (one or more), {@code content_block_stop}, {@code message_delta},
 * {@code message_stop} in that order ({@code ping} anywhere), each {@code data} of the type its {@code event} names.
 * The text must be the upstream's whole: {@code pong}, or every streamed token in order.
 */
final class ShapeCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShapeCheck() {}

    /** What is wrong with {@code body}; empty when nothing is. */
    static List<String> problems(Ingress ingress, boolean stream, String body) {
        List<String> problems = new ArrayList<>();
        try {
            if (!stream) {
                JsonNode root = JSON.readTree(body);
                if (ingress == Ingress.MODELS) {
                    expect(root.path("object").asText(), "list", "object", problems);
                    if (root.path("data").isEmpty()) {
                        problems.add("data: no model");
                    }
                } else if (ingress == Ingress.OPENAI) {
                    completion(root, problems);
                } else {
                    message(root, problems);
                }
            } else if (ingress == Ingress.OPENAI) {
                chunks(body, problems);
            } else {
                events(body, problems);
            }
        } catch (IOException | RuntimeException e) {
            problems.add("unreadable: " + e.getMessage());
        }
        return problems;
    }

    private static void completion(JsonNode root, List<String> problems) {
        expect(root.path("object").asText(), "chat.completion", "object", problems);
        JsonNode message = root.path("choices").path(0).path("message");
        expect(message.path("role").asText(), "assistant", "choices[0].message.role", problems);
        expect(message.path("content").asText(), "pong", "choices[0].message.content", problems);
        expect(root.path("choices").path(0).path("finish_reason").asText(), "stop", "finish_reason", problems);
        if (!root.path("usage").path("total_tokens").isNumber()) {
            problems.add("no usage.total_tokens");
        }
    }

    private static void message(JsonNode root, List<String> problems) {
        expect(root.path("type").asText(), "message", "type", problems);
        expect(root.path("role").asText(), "assistant", "role", problems);
        if (!root.path("id").asText().startsWith("msg_")) {
            problems.add("id " + root.path("id") + " is not a message id");
        }
        expect(root.path("model").asText(), Canned.ANTHROPIC_MODEL, "model", problems);
        expect(root.path("content").path(0).path("type").asText(), "text", "content[0].type", problems);
        expect(root.path("content").path(0).path("text").asText(), "pong", "content[0].text", problems);
        expect(root.path("stop_reason").asText(), "end_turn", "stop_reason", problems);
        if (!root.has("stop_sequence")) {
            problems.add("no stop_sequence");
        }
        if (!root.path("usage").path("input_tokens").isNumber()
                || !root.path("usage").path("output_tokens").isNumber()) {
            problems.add("no usage.input_tokens and output_tokens");
        }
    }

    private static void chunks(String body, List<String> problems) throws IOException {
        StringBuilder text = new StringBuilder();
        boolean done = false;
        boolean role = false;
        String finish = null;
        for (String line : body.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (done) {
                problems.add("after [DONE]: " + line);
            } else if (line.equals("data: [DONE]")) {
                done = true;
            } else if (!line.startsWith("data: ")) {
                problems.add("not a data line: " + line);
            } else {
                JsonNode chunk = JSON.readTree(line.substring(6));
                expect(chunk.path("object").asText(), "chat.completion.chunk", "object", problems);
                JsonNode choice = chunk.path("choices").path(0);
                role |= "assistant".equals(choice.path("delta").path("role").asText());
                text.append(choice.path("delta").path("content").asText(""));
                if (choice.hasNonNull("finish_reason")) {
                    finish = choice.get("finish_reason").asText();
                }
            }
        }
        if (!role) {
            problems.add("no delta with the role");
        }
        expect(text.toString(), Canned.streamedText(), "streamed text", problems);
        expect(String.valueOf(finish), "stop", "finish_reason", problems);
        if (!done) {
            problems.add("no data: [DONE]");
        }
    }

    private static void events(String body, List<String> problems) throws IOException {
        List<String> names = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        String event = null;
        for (String line : body.split("\n")) {
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                JsonNode data = JSON.readTree(line.substring(6));
                expect(data.path("type").asText(), String.valueOf(event), "data type of event " + event, problems);
                boolean repeatedDelta = "content_block_delta".equals(event)
                        && !names.isEmpty()
                        && names.get(names.size() - 1).equals(event);
                if (!"ping".equals(event) && !repeatedDelta) {
                    names.add(event); // content_block_delta once for a run of them
                }
                if ("content_block_delta".equals(event)) {
                    text.append(data.path("delta").path("text").asText(""));
                }
                if ("message_delta".equals(event)) {
                    expect(data.path("delta").path("stop_reason").asText(), "end_turn", "stop_reason", problems);
                }
                event = null;
            } else if (!line.isEmpty()) {
                problems.add("not an event or data line: " + line);
            }
        }
        List<String> expected = List.of(
                "message_start",
                "content_block_start",
                "content_block_delta",
                "content_block_stop",
                "message_delta",
                "message_stop");
        if (!names.equals(expected)) {
            problems.add("events " + names + ", expected " + expected);
        }
        expect(text.toString(), Canned.streamedText(), "streamed text", problems);
    }

    private static void expect(String actual, String expected, String what, List<String> problems) {
        if (!expected.equals(actual)) {
            problems.add(what + " is \"" + actual + "\", expected \"" + expected + "\"");
        }
    }
}
