package dev.caracal.gateway.testkit;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the tests that drive the gateway with the official OpenAI SDK share (the ingress's end-to-end test and the
 * distribution's): the weather tool, a question that offers it, the same question continued with the tool's result,
 * and a stream collected chunk by chunk.
 */
public final class OpenAiSdk {
    private OpenAiSdk() {}

    /** {@code get_weather(city)}, as a client declares it. */
    public static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name("get_weather")
                        .description("Current weather of a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty(
                                        "properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build())
                .build();
    }

    /** A request to {@code model} asking {@code question}. */
    public static ChatCompletionCreateParams.Builder ask(String model, String question) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(question);
    }

    /** A request to {@code model} asking {@code question}, with the weather tool offered. */
    public static ChatCompletionCreateParams.Builder askWithWeatherTool(String model, String question) {
        return ask(model, question).addTool(weatherTool());
    }

    /**
     * The same question continued: the assistant's message that called the tool ({@code call}'s first choice), then
     * {@code result} as the answer to its first tool call.
     */
    public static ChatCompletionCreateParams.Builder withToolResult(
            ChatCompletionCreateParams.Builder question, ChatCompletion call, String result) {
        ChatCompletionMessage assistant = call.choices().get(0).message();
        return question.addMessage(assistant)
                .addMessage(ChatCompletionToolMessageParam.builder()
                        .toolCallId(assistant
                                .toolCalls()
                                .orElseThrow()
                                .get(0)
                                .asFunction()
                                .id())
                        .content(result)
                        .build());
    }

    /** The content of the message of {@code completion}'s first choice: what the assistant answered. */
    public static String content(ChatCompletion completion) {
        return completion.choices().get(0).message().content().orElseThrow();
    }

    /** A streamed completion: every chunk in the order it came, and what the SDK's accumulator made of them. */
    public record Streamed(List<ChatCompletionChunk> chunks, ChatCompletion completion) {}

    /** Streams {@code params} through {@code client} to the end. */
    public static Streamed stream(OpenAIClient client, ChatCompletionCreateParams params) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                accumulator.accumulate(chunk);
            });
        }
        return new Streamed(chunks, accumulator.chatCompletion());
    }
}
