package dev.caracal.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.caracal.llm.testkit.Chaos;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM gateway in the real distribution ({@code bin/karaf server}), driven by the official OpenAI and Anthropic
 * SDKs and LangChain4j, in front of an OpenAI provider (the primary target) and an Anthropic provider (the fallback),
 * each talking to its own mock upstream (aimock, the real wire protocols): chat, streaming, tools, embeddings in
 * base64, cross-format translation both ways, fallback when the primary upstream fails, no client retries once the
 * gateway has exhausted its targets, and the primary provider's bundle uninstalled and reinstalled under load
 * without one failed request.
 */
class GatewaySdkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEATHER_ARGS = "{\"city\":\"Paris\"}";
    private static final String THOUGHT = "A caracal is a wild cat of Africa and Asia; answer in two words.";
    private static final String WEATHER_THOUGHT = "The user wants the weather: call the tool.";

    @TempDir
    static Path work;

    static MockUpstream primary;
    static MockUpstream backup;
    static KarafProcess karaf;

    static List<Fixture> fixtures(String who) {
        return List.of(
                Fixture.whenToolResult("call_weather_1").reply("It is 18 degrees in Paris."),
                Fixture.whenToolResult("call_think_1").reply("Paris is mild today."),
                Fixture.whenUserSays("ponder the weather")
                        .reasoning(WEATHER_THOUGHT)
                        .reasoningSignature("sig-weather")
                        .toolCall("call_think_1", "get_weather", WEATHER_ARGS),
                Fixture.whenUserSays("ponder")
                        .reasoning(THOUGHT)
                        .reasoningSignature("sig-ponder")
                        .reply("A caracal.")
                        .chunkSize(6),
                Fixture.whenUserSays("weather").toolCall("call_weather_1", "get_weather", WEATHER_ARGS),
                Fixture.whenUserSays("hello")
                        .reply("Hi from the " + who + " upstream")
                        .usage(12, 6),
                Fixture.whenUserSays("story")
                        .reply("Once upon a time there was a gateway that never dropped a request.")
                        .chunkSize(8)
                        .usage(5, 14));
    }

    @BeforeAll
    static void start() throws Exception {
        primary = MockUpstream.builder().fixtures(fixtures("primary")).start();
        backup = MockUpstream.builder().fixtures(fixtures("backup")).start();
        karaf = new KarafProcess(work);
        karaf.addBootFeatures("caracal-llm-openai", "caracal-llm-anthropic");
        karaf.writeEtc(
                "dev.caracal.llm.openai-primary.cfg",
                "id = primary\nbaseUrl = " + primary.openAiBaseUrl()
                        + "\napiKey = sk-primary\nmodels = gpt-4o-mini\nembeddingModels = text-embedding-3-small\n"
                        + "maxRetries = 0\n");
        karaf.writeEtc(
                "dev.caracal.llm.anthropic-backup.cfg",
                "id = backup\nbaseUrl = " + backup.baseUrl()
                        + "\napiKey = sk-backup\nmodels = claude-3-5-haiku-latest\nmaxRetries = 0\n");
        karaf.writeEtc(
                "dev.caracal.gateway.route-chat.cfg",
                "name = chat\naliases = assistant\ntargets = primary/gpt-4o-mini, backup/claude-3-5-haiku-latest\n");
        // breakers stay closed here: every call tries the primary first, so fallback is observable per call
        karaf.writeEtc("dev.caracal.gateway.cfg", "failureThreshold = 1000\n");
        karaf.start();
        karaf.awaitModel("chat");
    }

    @AfterAll
    static void stop() throws Exception {
        KarafProcess.closeAll(karaf, primary, backup);
    }

    private static String base() {
        return "http://127.0.0.1:" + karaf.httpPort;
    }

    private static OpenAIClient openai(int maxRetries) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(base() + "/v1")
                .apiKey("sk-client")
                .maxRetries(maxRetries)
                .responseValidation(true)
                .build();
    }

    private static AnthropicClient anthropic(int maxRetries) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(base())
                .apiKey("sk-client")
                .maxRetries(maxRetries)
                .build();
    }

    private static ChatCompletionFunctionTool weatherTool() {
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

    /** The same tool as {@link #weatherTool()}, as the Anthropic SDK declares it. */
    private static Tool anthropicWeatherTool() {
        return Tool.builder()
                .name("get_weather")
                .description("Current weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build())
                .build();
    }

    @Test
    void openAiSdkChatStreamingToolsAndModels() throws Exception {
        OpenAIClient client = openai(0);
        ChatCompletion c = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("chat")
                        .addUserMessage("hello there")
                        .build());
        assertEquals(
                "Hi from the primary upstream",
                c.choices().get(0).message().content().orElseThrow());
        assertEquals(12, c.usage().orElseThrow().promptTokens());

        // streaming with the usage chunk, assembled by the SDK
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("assistant")
                        .addUserMessage("tell me a story")
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            s.stream().forEach(chunk -> {
                chunks.add(chunk);
                acc.accumulate(chunk);
            });
        }
        assertTrue(chunks.size() > 3, "streamed in several chunks: " + chunks.size());
        assertEquals(
                "Once upon a time there was a gateway that never dropped a request.",
                acc.chatCompletion().choices().get(0).message().content().orElseThrow());
        assertTrue(chunks.get(chunks.size() - 1).choices().isEmpty());
        assertEquals(14, chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens());

        // a tool call, then the tool result back
        ChatCompletion call = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("chat")
                        .addUserMessage("what is the weather in Paris?")
                        .addTool(weatherTool())
                        .build());
        ChatCompletionMessageToolCall toolCall =
                call.choices().get(0).message().toolCalls().orElseThrow().get(0);
        assertEquals("get_weather", toolCall.asFunction().function().name());
        assertEquals(
                JSON.readTree(WEATHER_ARGS),
                JSON.readTree(toolCall.asFunction().function().arguments()));
        assertEquals(
                ChatCompletion.Choice.FinishReason.TOOL_CALLS,
                call.choices().get(0).finishReason());
        ChatCompletion answer = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("chat")
                        .addUserMessage("what is the weather in Paris?")
                        .addTool(weatherTool())
                        .addMessage(call.choices().get(0).message())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId(toolCall.asFunction().id())
                                .content("18C")
                                .build())
                        .build());
        assertEquals(
                "It is 18 degrees in Paris.",
                answer.choices().get(0).message().content().orElseThrow());

        // streamed tool call deltas
        ChatCompletionAccumulator toolAcc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> s = client.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("chat")
                        .addUserMessage("weather please")
                        .addTool(weatherTool())
                        .build())) {
            s.stream().forEach(toolAcc::accumulate);
        }
        var streamedCall = toolAcc.chatCompletion()
                .choices()
                .get(0)
                .message()
                .toolCalls()
                .orElseThrow()
                .get(0);
        assertEquals(
                JSON.readTree(WEATHER_ARGS),
                JSON.readTree(streamedCall.asFunction().function().arguments()));

        List<String> models = new ArrayList<>();
        client.models().list().autoPager().forEach(m -> models.add(m.id()));
        // routes, their aliases, and what the providers list (here the mock upstream's own model list)
        assertTrue(models.containsAll(List.of("chat", "assistant", "gpt-4o")), models.toString());
        assertThrows(
                NotFoundException.class,
                () -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("no-such-model")
                                .addUserMessage("hello")
                                .build()));
    }

    @Test
    void embeddingsInBase64AndFloatAgree() {
        OpenAIClient client = openai(0);
        for (String model : List.of("all-minilm-l6-v2", "primary/text-embedding-3-small")) {
            CreateEmbeddingResponse floats = client.embeddings()
                    .create(EmbeddingCreateParams.builder()
                            .model(model)
                            .input("a caracal is a wild cat")
                            .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                            .build());
            CreateEmbeddingResponse base64 = client.embeddings()
                    .create(EmbeddingCreateParams.builder()
                            .model(model)
                            .input("a caracal is a wild cat")
                            .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                            .build());
            List<Float> a = floats.data().get(0).embedding();
            List<Float> b = base64.data().get(0).embedding();
            assertFalse(a.isEmpty());
            assertArrayEquals(a.toArray(), b.toArray(), model);
        }
    }

    @Test
    void anthropicSdkIsServedByAnOpenAiProtocolProvider() throws Exception {
        AnthropicClient client = anthropic(0);
        Message m = client.messages()
                .create(MessageCreateParams.builder()
                        .model("chat")
                        .maxTokens(200)
                        .system("Be brief.")
                        .addUserMessage("hello from anthropic")
                        .build());
        assertEquals("Hi from the primary upstream", m.content().get(0).asText().text());
        assertEquals(6, m.usage().outputTokens());

        MessageAccumulator acc = MessageAccumulator.create();
        try (var stream = client.messages()
                .createStreaming(MessageCreateParams.builder()
                        .model("chat")
                        .maxTokens(200)
                        .addUserMessage("a story, please")
                        .build())) {
            stream.stream().forEach((RawMessageStreamEvent e) -> acc.accumulate(e));
        }
        Message streamed = acc.message();
        assertEquals(
                "Once upon a time there was a gateway that never dropped a request.",
                streamed.content().stream()
                        .filter(ContentBlock::isText)
                        .map(b -> b.asText().text())
                        .collect(Collectors.joining()));

        Tool weather = anthropicWeatherTool();
        Message toolUse = client.messages()
                .create(MessageCreateParams.builder()
                        .model("chat")
                        .maxTokens(200)
                        .addUserMessage("weather in Paris?")
                        .addTool(weather)
                        .build());
        ContentBlock block = toolUse.content().stream()
                .filter(ContentBlock::isToolUse)
                .findFirst()
                .orElseThrow();
        assertEquals("get_weather", block.asToolUse().name());
        assertEquals(
                JSON.readTree(WEATHER_ARGS),
                JSON.valueToTree(block.asToolUse()._input().convert(Map.class)));
        assertEquals(
                com.anthropic.models.messages.StopReason.TOOL_USE,
                toolUse.stopReason().orElseThrow());

        MessageAccumulator toolAcc = MessageAccumulator.create();
        try (var stream = client.messages()
                .createStreaming(MessageCreateParams.builder()
                        .model("chat")
                        .maxTokens(200)
                        .addUserMessage("weather in Paris, streamed")
                        .addTool(weather)
                        .build())) {
            stream.stream().forEach((RawMessageStreamEvent e) -> toolAcc.accumulate(e));
        }
        ContentBlock streamedUse = toolAcc.message().content().stream()
                .filter(ContentBlock::isToolUse)
                .findFirst()
                .orElseThrow();
        assertEquals(
                JSON.readTree(WEATHER_ARGS),
                JSON.valueToTree(streamedUse.asToolUse()._input().convert(Map.class)));
        assertThrows(
                com.anthropic.errors.NotFoundException.class,
                () -> client.messages()
                        .create(MessageCreateParams.builder()
                                .model("no-such-model")
                                .maxTokens(10)
                                .addUserMessage("hi")
                                .build()));

        // the same /v1/models answers each SDK in its own shape
        List<String> models = new ArrayList<>();
        client.models()
                .list(com.anthropic.models.models.ModelListParams.builder()
                        .limit(2L)
                        .build())
                .autoPager()
                .forEach(info -> models.add(info.validate().id()));
        assertTrue(models.containsAll(List.of("chat", "assistant")), models.toString());
        List<String> openAiModels = new ArrayList<>();
        openai(0).models().list().autoPager().forEach(info -> openAiModels.add(info.id()));
        assertTrue(openAiModels.containsAll(models), models + " within " + openAiModels);
        assertEquals(
                "chat",
                client.models()
                        .retrieve(com.anthropic.models.models.ModelRetrieveParams.builder()
                                .modelId("chat")
                                .build())
                        .displayName());
        assertThrows(
                com.anthropic.errors.NotFoundException.class,
                () -> client.models()
                        .retrieve(com.anthropic.models.models.ModelRetrieveParams.builder()
                                .modelId("no-such-model")
                                .build()));
    }

    /** The body of the last request {@code upstream} received on a path containing {@code path}. */
    private static JsonNode lastBody(MockUpstream upstream, String path) {
        List<dev.caracal.llm.testkit.JournalEntry> entries = upstream.journal(path);
        return entries.get(entries.size() - 1).body();
    }

    @Test
    void thinkingCrossesBothFormats() throws Exception {
        AnthropicClient claude = anthropic(0);
        String anthropicModel = "backup/claude-3-5-haiku-latest";
        Tool weather = anthropicWeatherTool();

        // Anthropic SDK -> Anthropic provider (as Claude Code with thinking on): the thinking block and its signature
        Message m = claude.messages()
                .create(MessageCreateParams.builder()
                        .model(anthropicModel)
                        .maxTokens(4096)
                        .enabledThinking(2048)
                        .addUserMessage("ponder: what is a caracal?")
                        .build());
        assertEquals(THOUGHT, m.content().get(0).asThinking().thinking());
        assertEquals("sig-ponder", m.content().get(0).asThinking().signature());
        assertEquals("A caracal.", m.content().get(1).asText().text());

        MessageAccumulator acc = MessageAccumulator.create();
        try (var stream = claude.messages()
                .createStreaming(MessageCreateParams.builder()
                        .model(anthropicModel)
                        .maxTokens(4096)
                        .enabledThinking(2048)
                        .addUserMessage("ponder it, streamed")
                        .build())) {
            stream.stream().forEach((RawMessageStreamEvent e) -> acc.accumulate(e));
        }
        Message streamed = acc.message();
        assertEquals(THOUGHT, streamed.content().get(0).asThinking().thinking());
        assertEquals("sig-ponder", streamed.content().get(0).asThinking().signature());
        assertEquals("A caracal.", streamed.content().get(1).asText().text());

        // a tool loop with thinking on: the assistant turn goes back with its signed thinking block first (what the
        // provider sends is checked byte by byte in caracal-llm-anthropic's ThinkingTest: aimock's journal records
        // Anthropic requests in its own normalized form)
        MessageCreateParams.Builder loop = MessageCreateParams.builder()
                .model(anthropicModel)
                .maxTokens(4096)
                .enabledThinking(2048)
                .addTool(weather)
                .addUserMessage("ponder the weather in Paris");
        Message use = claude.messages().create(loop.build());
        assertEquals("sig-weather", use.content().get(0).asThinking().signature());
        ContentBlock call = use.content().stream()
                .filter(ContentBlock::isToolUse)
                .findFirst()
                .orElseThrow();
        Message answer = claude.messages()
                .create(loop.addMessage(use)
                        .addUserMessageOfContentBlockParams(
                                List.of(com.anthropic.models.messages.ContentBlockParam.ofToolResult(
                                        com.anthropic.models.messages.ToolResultBlockParam.builder()
                                                .toolUseId(call.asToolUse().id())
                                                .content("18 degrees")
                                                .build())))
                        .build());
        assertEquals(
                "Paris is mild today.",
                answer.content().stream()
                        .filter(ContentBlock::isText)
                        .map(b -> b.asText().text())
                        .collect(Collectors.joining()));

        // OpenAI SDK -> Anthropic provider: reasoning_effort low (a 2,048-token budget); the thinking comes back as
        // reasoning_content
        ChatCompletion c = openai(0)
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(anthropicModel)
                        .reasoningEffort(com.openai.models.ReasoningEffort.LOW)
                        .maxCompletionTokens(4096)
                        .addUserMessage("ponder: what is a caracal?")
                        .build());
        assertEquals("A caracal.", c.choices().get(0).message().content().orElseThrow());
        assertEquals(
                THOUGHT,
                c.choices()
                        .get(0)
                        .message()
                        ._additionalProperties()
                        .get("reasoning_content")
                        .asString()
                        .orElseThrow());

        // Anthropic SDK -> OpenAI-protocol provider: a 20,000-token budget is reasoning_effort high; the upstream's
        // reasoning_content comes back as a thinking block (unsigned: that protocol has no signatures)
        Message viaOpenAi = claude.messages()
                .create(MessageCreateParams.builder()
                        .model("primary/gpt-4o-mini")
                        .maxTokens(30_000)
                        .enabledThinking(20_000)
                        .addUserMessage("ponder: what is a caracal?")
                        .build());
        assertEquals(THOUGHT, viaOpenAi.content().get(0).asThinking().thinking());
        assertEquals("A caracal.", viaOpenAi.content().get(1).asText().text());
        assertEquals(
                "high",
                lastBody(primary, "/chat/completions").path("reasoning_effort").asText());
    }

    @Test
    void langChain4jClientsWork() {
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl(base() + "/v1")
                .apiKey("sk-client")
                .modelName("chat")
                .maxRetries(0)
                .build();
        ChatResponse r = model.chat(dev.langchain4j.data.message.UserMessage.from("hello from langchain4j"));
        assertEquals("Hi from the primary upstream", r.aiMessage().text());
        dev.langchain4j.model.anthropic.AnthropicChatModel claude =
                dev.langchain4j.model.anthropic.AnthropicChatModel.builder()
                        .baseUrl(base() + "/v1")
                        .apiKey("sk-client")
                        .modelName("chat")
                        .maxTokens(100)
                        .maxRetries(0)
                        .build();
        ChatResponse a = claude.chat(dev.langchain4j.data.message.UserMessage.from("hello via anthropic shape"));
        assertEquals("Hi from the primary upstream", a.aiMessage().text());

        // streaming through both of LangChain4j's clients
        for (dev.langchain4j.model.chat.StreamingChatModel streaming : List.of(
                (dev.langchain4j.model.chat.StreamingChatModel)
                        dev.langchain4j.model.openai.OpenAiStreamingChatModel.builder()
                                .baseUrl(base() + "/v1")
                                .apiKey("sk-client")
                                .modelName("chat")
                                .build(),
                dev.langchain4j.model.anthropic.AnthropicStreamingChatModel.builder()
                        .baseUrl(base() + "/v1")
                        .apiKey("sk-client")
                        .modelName("chat")
                        .maxTokens(100)
                        .build())) {
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            StringBuilder partial = new StringBuilder();
            streaming.chat("tell me a story", new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String text) {
                    partial.append(text);
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    done.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                    done.completeExceptionally(error);
                }
            });
            ChatResponse complete = done.orTimeout(30, TimeUnit.SECONDS).join();
            assertEquals("Once upon a time there was a gateway that never dropped a request.", partial.toString());
            assertEquals(partial.toString(), complete.aiMessage().text());
        }
    }

    @Test
    void aRouteWrittenIntoEtcIsAppliedLive() throws Exception {
        karaf.writeEtc(
                "dev.caracal.gateway.route-live.cfg", "name = live-route\ntargets = backup/claude-3-5-haiku-latest\n");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!karaf.get("/v1/models").body().contains("\"live-route\"")) {
            assertTrue(System.nanoTime() < deadline, "the new route never appeared");
            Thread.sleep(200);
        }
        ChatCompletion c = openai(0)
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("live-route")
                        .addUserMessage("hello live")
                        .build());
        assertEquals(
                "Hi from the backup upstream",
                c.choices().get(0).message().content().orElseThrow());
        // the header override picks another target for one request
        var raw = karaf.send(
                "POST",
                "/v1/chat/completions",
                "{\"model\":\"live-route\",\"messages\":[{\"role\":\"user\",\"content\":\"hello header\"}]}",
                "x-caracal-route",
                "primary/gpt-4o-mini");
        assertTrue(raw.body().contains("Hi from the primary upstream"), raw.body());
        java.nio.file.Files.delete(karaf.home.resolve("etc/dev.caracal.gateway.route-live.cfg"));
        deadline = System.nanoTime() + 30_000_000_000L;
        while (karaf.get("/v1/models").body().contains("\"live-route\"")) {
            assertTrue(System.nanoTime() < deadline, "the deleted route stayed");
            Thread.sleep(200);
        }
    }

    @Test
    void failuresFallBackAndExhaustionStopsClientRetries() throws Exception {
        OpenAIClient client = openai(2);
        try {
            primary.setChaos(Chaos.drop());
            primary.resetStats();
            ChatCompletion c = client.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model("chat")
                            .addUserMessage("hello again")
                            .build());
            assertEquals(
                    "Hi from the backup upstream",
                    c.choices().get(0).message().content().orElseThrow());
            assertEquals(1, primary.stats().requests(), "the primary was tried first");
            // the same through the Anthropic ingress, streaming: the failed first target is invisible
            MessageAccumulator acc = MessageAccumulator.create();
            try (var stream = anthropic(0)
                    .messages()
                    .createStreaming(MessageCreateParams.builder()
                            .model("chat")
                            .maxTokens(100)
                            .addUserMessage("hello, streamed")
                            .build())) {
                stream.stream().forEach((RawMessageStreamEvent e) -> acc.accumulate(e));
            }
            assertEquals(
                    "Hi from the backup upstream",
                    acc.message().content().get(0).asText().text());
            String health = karaf.console("gateway:health");
            assertTrue(
                    health.contains("primary/gpt-4o-mini") && health.contains("backup/claude-3-5-haiku-latest"),
                    health);

            // both down: one gateway call per client call, the SDK does not retry (x-should-retry: false)
            backup.setChaos(Chaos.drop());
            primary.resetStats();
            backup.resetStats();
            OpenAIServiceException e = assertThrows(
                    OpenAIServiceException.class,
                    () -> client.chat()
                            .completions()
                            .create(ChatCompletionCreateParams.builder()
                                    .model("chat")
                                    .addUserMessage("hello?")
                                    .build()));
            assertTrue(e.statusCode() >= 500, "status " + e.statusCode());
            assertEquals(1, primary.stats().requests());
            assertEquals(1, backup.stats().requests());
            var raw = karaf.send(
                    "POST",
                    "/v1/chat/completions",
                    "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello?\"}]}");
            assertEquals("false", raw.headers().firstValue("x-should-retry").orElse(null), raw.toString());
            JsonNode error = JSON.readTree(raw.body()).get("error");
            assertTrue(error.get("message").asText().contains("primary"), raw.body());
        } finally {
            primary.clearChaos();
            backup.clearChaos();
        }
    }

    @Test
    void thePrimaryProvidersBundleLeavesAndReturnsUnderLoad() throws Exception {
        ConcurrentLinkedQueue<String> answeredBy = new ConcurrentLinkedQueue<>();
        AtomicInteger ok = new AtomicInteger();
        Load load = Load.start(4, t -> {
            boolean viaAnthropic = t % 2 == 1;
            OpenAIClient o = openai(0);
            AnthropicClient a = anthropic(0);
            return () -> {
                String text = viaAnthropic
                        ? a.messages()
                                .create(MessageCreateParams.builder()
                                        .model("chat")
                                        .maxTokens(50)
                                        .addUserMessage("hello under load")
                                        .build())
                                .content()
                                .get(0)
                                .asText()
                                .text()
                        : o.chat()
                                .completions()
                                .create(ChatCompletionCreateParams.builder()
                                        .model("chat")
                                        .addUserMessage("hello under load")
                                        .build())
                                .choices()
                                .get(0)
                                .message()
                                .content()
                                .orElse("");
                answeredBy.add(text.contains("primary") ? "primary" : text.contains("backup") ? "backup" : text);
                ok.incrementAndGet();
            };
        });
        try (load) {
            Thread.sleep(1000);
            String out = karaf.console("feature:uninstall caracal-llm-openai");
            assertFalse(out.toLowerCase(java.util.Locale.ROOT).contains("error"), out);
            Thread.sleep(300); // answers already on their way from the primary
            answeredBy.clear();
            Thread.sleep(2000);
            assertTrue(
                    answeredBy.contains("backup") && !answeredBy.contains("primary"),
                    "served by the fallback while the primary is gone: " + answeredBy.size());
            karaf.console("feature:install caracal-llm-openai");
            long deadline = System.nanoTime() + 60_000_000_000L;
            answeredBy.clear();
            while (!answeredBy.contains("primary")) {
                assertTrue(System.nanoTime() < deadline, "the primary never came back");
                Thread.sleep(100);
            }
            Thread.sleep(500);
        }
        assertTrue(load.failures().isEmpty(), "failed client requests: " + load.failures());
        assertTrue(ok.get() > 50, "requests served: " + ok.get());
    }
}
