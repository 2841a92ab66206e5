package dev.caracal.gateway.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the tests that drive the Responses API with the official OpenAI SDK share (the ingress's end-to-end test and
 * the distribution's): the weather tool as a Responses function tool, a question, the text and function calls of a
 * response, a function call's output, and a stream collected event by event.
 */
public final class ResponsesSdk {
    private ResponsesSdk() {}

    /** {@code get_weather(city)}, as a Responses client declares it. */
    public static FunctionTool weatherTool() {
        return FunctionTool.builder()
                .name("get_weather")
                .description("Current weather of a city")
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build())
                .strict(true)
                .build();
    }

    /** A request to {@code model} with {@code input} as its one user message. */
    public static ResponseCreateParams.Builder ask(String model, String input) {
        return ResponseCreateParams.builder().model(model).input(input);
    }

    /** The text of a response's message items, concatenated. */
    public static String text(Response response) {
        StringBuilder sb = new StringBuilder();
        for (ResponseOutputItem item : response.output()) {
            item.message()
                    .ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> sb.append(t.text()))));
        }
        return sb.toString();
    }

    /** A response's function calls, in order. */
    public static List<ResponseFunctionToolCall> functionCalls(Response response) {
        List<ResponseFunctionToolCall> calls = new ArrayList<>();
        for (ResponseOutputItem item : response.output()) {
            item.functionCall().ifPresent(calls::add);
        }
        return calls;
    }

    /** The output of the function call {@code callId}, as the next request's input item. */
    public static ResponseInputItem toolOutput(String callId, String output) {
        return ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(callId)
                .output(output)
                .build());
    }

    /** A streamed response: every event in the order it came, as the SDK typed it and as JSON. */
    public record Streamed(List<ResponseStreamEvent> events, List<JsonNode> json) {
        /** The events' types, in order. */
        public List<String> types() {
            return json.stream().map(j -> j.path("type").asText()).toList();
        }

        /** The response the last event carried ({@code response.completed}, {@code .incomplete} or {@code .failed}). */
        public Response last() {
            ResponseStreamEvent e = events.get(events.size() - 1);
            if (e.isCompleted()) {
                return e.asCompleted().response();
            }
            if (e.isIncomplete()) {
                return e.asIncomplete().response();
            }
            return e.asFailed().response();
        }
    }

    /** Streams {@code params} through {@code client} to the end. */
    public static Streamed stream(OpenAIClient client, ResponseCreateParams params) {
        List<ResponseStreamEvent> events = new ArrayList<>();
        List<JsonNode> json = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(e -> {
                events.add(e);
                try {
                    json.add(ObjectMappers.jsonMapper().valueToTree(e));
                } catch (IllegalArgumentException ex) {
                    throw new AssertionError("an event the SDK cannot write back: " + e, ex);
                }
            });
        }
        return new Streamed(events, json);
    }

    /** {@code value} as the SDK writes it. */
    public static String json(Object value) {
        try {
            return ObjectMappers.jsonMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
