package dev.caracal.itests;

import static dev.caracal.gateway.testkit.OpenAiSdk.ask;
import static dev.caracal.gateway.testkit.OpenAiSdk.askWithWeatherTool;
import static dev.caracal.gateway.testkit.OpenAiSdk.content;
import static dev.caracal.gateway.testkit.OpenAiSdk.withToolResult;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.caracal.gateway.testkit.AnthropicSdk;
import dev.caracal.gateway.testkit.OpenAiSdk;
import dev.caracal.gateway.testkit.OpenAiSdk.Streamed;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM gateway in the real distribution ({@code bin/karaf server}), driven by the official OpenAI and Anthropic
 * SDKs and LangChain4j, in front of an OpenAI provider (the primary target) and an Anthropic provider (the fallback),
 * each talking to its own mock upstream (aimock, the real wire protocols), and a second OpenAI provider that serves
 * the same embedding model from a third: chat, streaming, tools, embeddings in base64 and by the bare model name,
 * the provider that served each answer, cross-format translation both ways, fallback when the primary upstream fails
 * (chat and embeddings), no client retries once the gateway has exhausted its targets, and the primary provider's
 * bundle uninstalled and reinstalled under load without one failed request.
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
    /** The upstream of provider {@code spare}, the second to serve text-embedding-3-small. */
    static MockUpstream spare;

    static KarafProcess karaf;

    static List<Fixture> fixtures(String who) {
        return List.of(
                Fixture.whenUserSays("fingerprint")
                        .reply("Fingerprinted.")
                        .systemFingerprint("fp_" + who)
                        .chunkSize(5),
                // structured outputs: an OpenAI upstream answers JSON text, an Anthropic one calls the forced tool
                Fixture.whenUserSays("json forecast").reply("{\"city\":\"Paris\",\"celsius\":18}"),
                Fixture.whenUserSays("structured forecast")
                        .toolCall("toolu_forecast", "forecast", "{\"city\":\"Paris\",\"celsius\":18}"),
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
        spare = MockUpstream.builder().fixtures(fixtures("spare")).start();
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
                "dev.caracal.llm.openai-spare.cfg",
                "id = spare\nbaseUrl = " + spare.openAiBaseUrl()
                        + "\napiKey = sk-spare\nembeddingModels = text-embedding-3-small\nmaxRetries = 0\n");
        karaf.writeEtc(
                "dev.caracal.gateway.route-chat.cfg",
                "name = chat\naliases = assistant\ntargets = primary/gpt-4o-mini, backup/claude-3-5-haiku-latest\n");
        karaf.writeEtc(
                "dev.caracal.gateway.route-vectors.cfg",
                "name = vectors\ntargets = spare/text-embedding-3-small, primary/text-embedding-3-small\n");
        // breakers stay closed here: every call tries the primary first, so fallback is observable per call; the
        // models both OpenAI providers offer go to the primary first
        karaf.writeEtc("dev.caracal.gateway.cfg", "failureThreshold = 1000\nproviderPreference = primary\n");
        karaf.start();
        karaf.awaitModel("chat");
    }

    @AfterAll
    static void stop() throws Exception {
        KarafProcess.closeAll(karaf, primary, backup, spare);
    }

    private static String base() {
        return "http://127.0.0.1:" + karaf.httpPort;
    }

    private static OpenAIClient openai(int maxRetries) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(base() + "/v1")
                .apiKey(CaracalTestSupport.ADMIN_KEY)
                .maxRetries(maxRetries)
                .responseValidation(true)
                .build();
    }

    private static OpenAIClient openai(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(base() + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .build();
    }

    private static AnthropicClient anthropic(String key) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(base())
                .apiKey(key)
                .maxRetries(0)
                .build();
    }

    private static AnthropicClient anthropic(int maxRetries) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(base())
                .apiKey(CaracalTestSupport.ADMIN_KEY)
                .maxRetries(maxRetries)
                .build();
    }

    /** The same tool as {@link OpenAiSdk#weatherTool()}, as the Anthropic SDK declares it. */
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
        ChatCompletion c =
                client.chat().completions().create(ask("chat", "hello there").build());
        assertEquals("Hi from the primary upstream", content(c));
        assertEquals(12, c.usage().orElseThrow().promptTokens());

        // streaming with the usage chunk, assembled by the SDK
        Streamed story = OpenAiSdk.stream(
                client,
                ask("assistant", "tell me a story")
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build());
        List<ChatCompletionChunk> chunks = story.chunks();
        assertTrue(chunks.size() > 3, "streamed in several chunks: " + chunks.size());
        assertEquals("Once upon a time there was a gateway that never dropped a request.", content(story.completion()));
        assertTrue(chunks.get(chunks.size() - 1).choices().isEmpty());
        assertEquals(14, chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens());

        // a tool call, then the tool result back
        ChatCompletion call = client.chat()
                .completions()
                .create(askWithWeatherTool("chat", "what is the weather in Paris?")
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
                .create(withToolResult(askWithWeatherTool("chat", "what is the weather in Paris?"), call, "18C")
                        .build());
        assertEquals("It is 18 degrees in Paris.", content(answer));

        // streamed tool call deltas
        var streamedCall = OpenAiSdk.stream(
                        client, askWithWeatherTool("chat", "weather please").build())
                .completion()
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
                        .create(ask("no-such-model", "hello").build()));
    }

    /** A request to {@code model} with extended thinking on: {@code budget} of its {@code maxTokens}. */
    private static MessageCreateParams.Builder thinking(String model, long maxTokens, long budget) {
        return MessageCreateParams.builder().model(model).maxTokens(maxTokens).enabledThinking(budget);
    }

    /** The embedding of one sentence by {@code model}, sent over the wire in {@code format}. */
    private static List<Float> embedding(
            OpenAIClient client, String model, EmbeddingCreateParams.EncodingFormat format) {
        CreateEmbeddingResponse response = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model(model)
                        .input("a caracal is a wild cat")
                        .encodingFormat(format)
                        .build());
        return response.data().get(0).embedding();
    }

    @Test
    void embeddingsInBase64AndFloatAgree() {
        OpenAIClient client = openai(0);
        for (String model : List.of("all-minilm-l6-v2", "text-embedding-3-small", "primary/text-embedding-3-small")) {
            List<Float> a = embedding(client, model, EmbeddingCreateParams.EncodingFormat.FLOAT);
            List<Float> b = embedding(client, model, EmbeddingCreateParams.EncodingFormat.BASE64);
            assertFalse(a.isEmpty());
            assertArrayEquals(a.toArray(), b.toArray(), model);
        }
    }

    /** An embedding of {@code model} through the SDK: the provider that served it, from x-caracal-provider. */
    private static String embeddedBy(OpenAIClient client, String model) {
        var raw = client.embeddings()
                .withRawResponse()
                .create(EmbeddingCreateParams.builder()
                        .model(model)
                        .input("a caracal is a wild cat")
                        .build());
        assertFalse(raw.parse().data().get(0).embedding().isEmpty(), model);
        List<String> served = raw.headers().values("x-caracal-provider");
        assertEquals(1, served.size(), model + ": " + served);
        return served.get(0);
    }

    /** Waits up to 30 s for {@code model} to be embedded by {@code provider} (a configuration change applying). */
    private static void awaitEmbeddedBy(OpenAIClient client, String model, String provider) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last;
        while (!(last = embeddedBy(client, model)).equals(provider)) {
            assertTrue(System.nanoTime() < deadline, model + " is still embedded by " + last + ", not " + provider);
            Thread.sleep(200);
        }
    }

    /**
     * Embedding models answer to the names OpenAI clients send, as chat models do: the bare name (both OpenAI
     * providers serve it; providerPreference puts the primary first, and changing it applies live), provider/model,
     * the ONNX model, and a route with fallback. Each answer names its provider, after a fallback the one that served,
     * and /v1/models lists the names.
     */
    @Test
    void embeddingsByTheNamesClientsSendSayWhichProviderServedAndFallBack() throws Exception {
        OpenAIClient client = openai(0);
        assertEquals("primary", embeddedBy(client, "text-embedding-3-small"));
        assertEquals("spare", embeddedBy(client, "spare/text-embedding-3-small"));
        assertEquals("local", embeddedBy(client, "all-minilm-l6-v2"));
        assertEquals("spare", embeddedBy(client, "vectors"));
        var chat = client.chat()
                .completions()
                .withRawResponse()
                .create(ask("chat", "hello").build());
        assertEquals(List.of("primary"), chat.headers().values("x-caracal-provider"));

        List<String> models = new ArrayList<>();
        client.models().list().autoPager().forEach(m -> models.add(m.id()));
        assertTrue(
                models.containsAll(List.of("text-embedding-3-small", "all-minilm-l6-v2", "vectors")),
                models.toString());
        assertFalse(models.contains("primary/text-embedding-3-small"), models.toString());

        com.openai.errors.BadRequestException chatRoute =
                assertThrows(com.openai.errors.BadRequestException.class, () -> embeddedBy(client, "chat"));
        assertTrue(chatRoute.getMessage().contains("route 'chat' is served by chat models"), chatRoute.getMessage());
        com.openai.errors.BadRequestException embedRoute = assertThrows(
                com.openai.errors.BadRequestException.class,
                () -> client.chat().completions().create(ask("vectors", "hello").build()));
        assertTrue(embedRoute.getMessage().contains("not by chat models"), embedRoute.getMessage());

        // the preference applies live: the spare first, then back
        karaf.console("config:property-set -p dev.caracal.gateway providerPreference spare,primary");
        try {
            awaitEmbeddedBy(client, "text-embedding-3-small", "spare");
        } finally {
            karaf.console("config:property-set -p dev.caracal.gateway providerPreference primary");
        }
        awaitEmbeddedBy(client, "text-embedding-3-small", "primary");

        try {
            spare.setChaos(Chaos.drop());
            spare.clearJournal();
            assertEquals("primary", embeddedBy(client, "vectors"), "the route falls back to its second target");
            assertEquals(1, spare.journal("/embeddings").size(), "the spare was tried first");
            primary.setChaos(Chaos.drop());
            spare.clearChaos();
            assertEquals("spare", embeddedBy(client, "text-embedding-3-small"), "the bare name falls back too");
            var fallback = client.chat()
                    .completions()
                    .withRawResponse()
                    .create(ask("chat", "hello").build());
            assertEquals(List.of("backup"), fallback.headers().values("x-caracal-provider"));
            assertEquals("Hi from the backup upstream", content(fallback.parse()));
            // a stream names the target it committed to, before its first event
            try (var streamed = client.chat()
                            .completions()
                            .withRawResponse()
                            .createStreaming(ask("chat", "tell me a story").build());
                    var chunks = streamed.parse()) {
                assertEquals(List.of("backup"), streamed.headers().values("x-caracal-provider"));
                String text = chunks.stream()
                        .flatMap(c -> c.choices().stream())
                        .map(choice -> choice.delta().content().orElse(""))
                        .collect(java.util.stream.Collectors.joining());
                assertEquals("Once upon a time there was a gateway that never dropped a request.", text);
            }
        } finally {
            primary.clearChaos();
            spare.clearChaos();
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

        Message streamed = AnthropicSdk.stream(
                        client,
                        MessageCreateParams.builder()
                                .model("chat")
                                .maxTokens(200)
                                .addUserMessage("a story, please")
                                .build())
                .message();
        assertEquals("Once upon a time there was a gateway that never dropped a request.", AnthropicSdk.text(streamed));

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

        Message streamedToolUse = AnthropicSdk.stream(
                        client,
                        MessageCreateParams.builder()
                                .model("chat")
                                .maxTokens(200)
                                .addUserMessage("weather in Paris, streamed")
                                .addTool(weather)
                                .build())
                .message();
        ContentBlock streamedUse = streamedToolUse.content().stream()
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

    /** The headers of the last request {@code upstream} received on a path containing {@code path}, lower-case. */
    private static Map<String, String> lastHeaders(MockUpstream upstream, String path) {
        List<dev.caracal.llm.testkit.JournalEntry> entries = upstream.journal(path);
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(entries.get(entries.size() - 1).headers());
        return headers;
    }

    /**
     * What the gateway does not model travels verbatim to a provider of the client's own format (body members and
     * the allow-listed headers, through the official SDKs), and is refused by name, never dropped, on the way to a
     * provider of the other format.
     */
    @Test
    void fieldsTheGatewayDoesNotModelReachASameFormatProviderAndAreRefusedByAnother() throws Exception {
        OpenAIClient client = openai(0);
        String trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        ChatCompletion c = client.chat()
                .completions()
                .create(ask("primary/gpt-4o-mini", "hello")
                        .store(true)
                        .serviceTier(ChatCompletionCreateParams.ServiceTier.FLEX)
                        .putAdditionalBodyProperty(
                                "a_field_from_next_month", com.openai.core.JsonValue.from(Map.of("on", true)))
                        .putAdditionalHeader("OpenAI-Beta", "assistants=v2")
                        .putAdditionalHeader("traceparent", trace)
                        .build());
        assertEquals("Hi from the primary upstream", content(c));
        JsonNode sent = lastBody(primary, "/chat/completions");
        assertTrue(sent.path("store").asBoolean(), sent.toString());
        assertEquals("flex", sent.path("service_tier").asText(), sent.toString());
        assertTrue(sent.path("a_field_from_next_month").path("on").asBoolean(), sent.toString());
        Map<String, String> headers = lastHeaders(primary, "/chat/completions");
        assertEquals("assistants=v2", headers.get("openai-beta"), headers.toString());
        assertEquals(trace, headers.get("traceparent"), headers.toString());
        assertTrue(
                headers.values().stream().noneMatch(v -> v.contains(CaracalTestSupport.ADMIN_KEY)),
                "the client's Caracal key never reaches the upstream: " + headers);

        com.openai.errors.BadRequestException refused = assertThrows(
                com.openai.errors.BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(ask("backup/claude-3-5-haiku-latest", "hello")
                                .store(true)
                                .build()));
        assertTrue(
                refused.getMessage()
                        .contains("field store of the openai request cannot be carried to provider 'backup'"),
                refused.getMessage());

        AnthropicClient claude = anthropic(0);
        Message m = claude.messages()
                .create(MessageCreateParams.builder()
                        .model("backup/claude-3-5-haiku-latest")
                        .maxTokens(50)
                        .addUserMessage("hello")
                        .putAdditionalBodyProperty("service_tier", com.anthropic.core.JsonValue.from("standard_only"))
                        .putAdditionalHeader("anthropic-beta", "files-api-2025-04-14")
                        .build());
        assertEquals("Hi from the backup upstream", m.content().get(0).asText().text());
        // (the body and headers as sent are checked byte for byte in caracal-llm-anthropic's PassThroughTest:
        // aimock journals Anthropic requests in its own normalized form)
        assertTrue(
                lastHeaders(backup, "/v1/messages")
                        .getOrDefault("anthropic-beta", "")
                        .contains("files-api-2025-04-14"),
                lastHeaders(backup, "/v1/messages").toString());

        com.anthropic.errors.BadRequestException refusedAnthropic = assertThrows(
                com.anthropic.errors.BadRequestException.class,
                () -> claude.messages()
                        .create(MessageCreateParams.builder()
                                .model("primary/gpt-4o-mini")
                                .maxTokens(50)
                                .addUserMessage("hello")
                                .putAdditionalBodyProperty(
                                        "service_tier", com.anthropic.core.JsonValue.from("standard_only"))
                                .build()));
        assertTrue(refusedAnthropic.getMessage().contains("service_tier"), refusedAnthropic.getMessage());
    }

    /**
     * What an upstream answers beyond what the gateway models reaches a client of the upstream's own format, verbatim
     * and in place (aimock's {@code system_fingerprint}, on the completion and on the chunks), and is left out for a
     * client of the other format.
     */
    @Test
    void whatAnUpstreamAnswersBeyondTheModelReachesAClientOfItsFormat() throws Exception {
        OpenAIClient client = openai(0);
        ChatCompletion c = client.chat()
                .completions()
                .create(ask("primary/gpt-4o-mini", "fingerprint please").build());
        assertEquals("Fingerprinted.", content(c));
        assertEquals("fp_primary", c.systemFingerprint().orElse(null));

        Streamed streamed = OpenAiSdk.stream(
                client, ask("primary/gpt-4o-mini", "fingerprint please").build());
        assertEquals("Fingerprinted.", content(streamed.completion()));
        List<ChatCompletionChunk> withContent = streamed.chunks().stream()
                .filter(k -> !k.choices().isEmpty()
                        && k.choices().get(0).delta().content().isPresent()
                        && !k.choices().get(0).delta().content().get().isEmpty())
                .toList();
        assertTrue(withContent.size() > 1, "several content chunks: " + streamed.chunks());
        for (ChatCompletionChunk chunk : withContent) {
            assertEquals("fp_primary", chunk.systemFingerprint().orElse(null), chunk.toString());
        }

        Message m = anthropic(0)
                .messages()
                .create(MessageCreateParams.builder()
                        .model("primary/gpt-4o-mini")
                        .maxTokens(50)
                        .addUserMessage("fingerprint please")
                        .build());
        assertEquals("Fingerprinted.", m.content().get(0).asText().text());
        assertTrue(
                !m._additionalProperties().containsKey("system_fingerprint"),
                "an OpenAI member has no place in an Anthropic message: " + m._additionalProperties());
    }

    /** The answer anthropic-java's structured outputs parse from a class (public fields, as the SDK's schema needs). */
    public static final class Forecast {
        public String city;
        public double celsius;
    }

    /**
     * Structured outputs the other way: anthropic-java's {@code output_config.format}, built from a class, reaches an
     * OpenAI provider as {@code response_format} {@code json_schema}, and the SDK parses the answer into the class.
     */
    @Test
    void anthropicStructuredOutputsReachAnOpenAiProvider() throws Exception {
        var answer = anthropic(0)
                .beta()
                .messages()
                .create(com.anthropic.models.beta.messages.MessageCreateParams.builder()
                        .model("primary/gpt-4o-mini")
                        .maxTokens(100)
                        .addUserMessage("json forecast please")
                        .outputConfig(Forecast.class)
                        .build());
        Forecast forecast = answer.content().stream()
                .flatMap(block -> block.text().stream())
                .findFirst()
                .orElseThrow()
                .text();
        assertEquals("Paris", forecast.city);
        assertEquals(18.0, forecast.celsius);
        JsonNode sent = lastBody(primary, "/chat/completions");
        assertEquals("json_schema", sent.at("/response_format/type").asText(), sent.toString());
        assertEquals("response", sent.at("/response_format/json_schema/name").asText(), sent.toString());
        assertTrue(sent.at("/response_format/json_schema/strict").asBoolean(), sent.toString());
        assertEquals(
                "number",
                sent.at("/response_format/json_schema/schema/properties/celsius/type")
                        .asText(),
                sent.toString());
    }

    /**
     * Structured outputs with openai-java's json_schema: to an OpenAI provider as {@code response_format}, to Claude
     * as a forced call of a tool whose input schema is the schema, the call's input returned as the message content,
     * streamed or not.
     */
    @Test
    void structuredOutputsReachEveryProviderInItsOwnTerms() throws Exception {
        OpenAIClient client = openai(0);
        com.openai.models.ResponseFormatJsonSchema format = com.openai.models.ResponseFormatJsonSchema.builder()
                .jsonSchema(com.openai.models.ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("forecast")
                        .strict(true)
                        .schema(com.openai.models.ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                .putAdditionalProperty("type", com.openai.core.JsonValue.from("object"))
                                .putAdditionalProperty(
                                        "properties",
                                        com.openai.core.JsonValue.from(Map.of(
                                                "city", Map.of("type", "string"),
                                                "celsius", Map.of("type", "number"))))
                                .putAdditionalProperty(
                                        "required", com.openai.core.JsonValue.from(List.of("city", "celsius")))
                                .putAdditionalProperty("additionalProperties", com.openai.core.JsonValue.from(false))
                                .build())
                        .build())
                .build();
        ChatCompletion openAi = client.chat()
                .completions()
                .create(ask("primary/gpt-4o-mini", "json forecast please")
                        .responseFormat(format)
                        .build());
        assertEquals("{\"city\":\"Paris\",\"celsius\":18}", content(openAi));
        JsonNode sent = lastBody(primary, "/chat/completions");
        assertEquals("json_schema", sent.at("/response_format/type").asText(), sent.toString());
        assertEquals("forecast", sent.at("/response_format/json_schema/name").asText());
        assertTrue(sent.at("/response_format/json_schema/strict").asBoolean());

        ChatCompletion claude = client.chat()
                .completions()
                .create(ask("backup/claude-3-5-haiku-latest", "structured forecast please")
                        .responseFormat(format)
                        .build());
        assertEquals(JSON.readTree("{\"city\":\"Paris\",\"celsius\":18}"), JSON.readTree(content(claude)));
        assertEquals(
                ChatCompletion.Choice.FinishReason.STOP, claude.choices().get(0).finishReason());
        assertTrue(
                claude.choices().get(0).message().toolCalls().map(List::isEmpty).orElse(true));
        // aimock journals Anthropic requests in its own (OpenAI-like) form: the forced tool is there; the exact body is
        // checked in caracal-llm-anthropic's RequestMapperTest
        JsonNode toClaude = lastBody(backup, "/v1/messages");
        assertEquals("forecast", toClaude.at("/tools/0/function/name").asText(), toClaude.toString());

        Streamed streamed = OpenAiSdk.stream(
                client,
                ask("backup/claude-3-5-haiku-latest", "structured forecast please")
                        .responseFormat(format)
                        .build());
        assertEquals(
                JSON.readTree("{\"city\":\"Paris\",\"celsius\":18}"), JSON.readTree(content(streamed.completion())));
    }

    @Test
    void thinkingCrossesBothFormats() throws Exception {
        AnthropicClient claude = anthropic(0);
        String anthropicModel = "backup/claude-3-5-haiku-latest";
        Tool weather = anthropicWeatherTool();

        // Anthropic SDK -> Anthropic provider (as Claude Code with thinking on): the thinking block and its signature
        Message m = claude.messages()
                .create(thinking(anthropicModel, 4096, 2048)
                        .addUserMessage("ponder: what is a caracal?")
                        .build());
        assertEquals(THOUGHT, m.content().get(0).asThinking().thinking());
        assertEquals("sig-ponder", m.content().get(0).asThinking().signature());
        assertEquals("A caracal.", m.content().get(1).asText().text());

        Message streamed = AnthropicSdk.stream(
                        claude,
                        thinking(anthropicModel, 4096, 2048)
                                .addUserMessage("ponder it, streamed")
                                .build())
                .message();
        assertEquals(THOUGHT, streamed.content().get(0).asThinking().thinking());
        assertEquals("sig-ponder", streamed.content().get(0).asThinking().signature());
        assertEquals("A caracal.", streamed.content().get(1).asText().text());

        // a tool loop with thinking on: the assistant turn goes back with its signed thinking block first (what the
        // provider sends is checked byte by byte in caracal-llm-anthropic's ThinkingTest: aimock's journal records
        // Anthropic requests in its own normalized form)
        MessageCreateParams.Builder loop =
                thinking(anthropicModel, 4096, 2048).addTool(weather).addUserMessage("ponder the weather in Paris");
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
        assertEquals("Paris is mild today.", AnthropicSdk.text(answer));

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
        assertEquals("A caracal.", content(c));
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
                .create(thinking("primary/gpt-4o-mini", 30_000, 20_000)
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
                .apiKey(CaracalTestSupport.ADMIN_KEY)
                .modelName("chat")
                .maxRetries(0)
                .build();
        ChatResponse r = model.chat(dev.langchain4j.data.message.UserMessage.from("hello from langchain4j"));
        assertEquals("Hi from the primary upstream", r.aiMessage().text());
        dev.langchain4j.model.anthropic.AnthropicChatModel claude =
                dev.langchain4j.model.anthropic.AnthropicChatModel.builder()
                        .baseUrl(base() + "/v1")
                        .apiKey(CaracalTestSupport.ADMIN_KEY)
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
                                .apiKey(CaracalTestSupport.ADMIN_KEY)
                                .modelName("chat")
                                .build(),
                dev.langchain4j.model.anthropic.AnthropicStreamingChatModel.builder()
                        .baseUrl(base() + "/v1")
                        .apiKey(CaracalTestSupport.ADMIN_KEY)
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

    /**
     * A key narrowed to one route calls only it, through either SDK (403 in the SDK's own error type, naming the
     * model); a per-key token limit, counted from the usage the upstream reported, answers 429 with retry-after and
     * the token headers each SDK family reads, and tells the remaining budget on the answers before it.
     */
    @Test
    void aKeyNarrowedToARouteCallsOnlyItAndSpendsOnlyItsTokens() throws Exception {
        var created = karaf.send(
                "POST",
                "/api/v1/keys",
                "{\"name\":\"narrow-app\",\"tenant\":\"default\",\"role\":\"writer\",\"models\":[\"chat\"]}");
        assertEquals(201, created.statusCode(), created.body());
        String key = JSON.readTree(created.body()).get("key").asText();
        OpenAIClient narrow = openai(key);
        AnthropicClient narrowAnthropic = anthropic(key);
        assertEquals(
                "Hi from the primary upstream",
                content(narrow.chat().completions().create(ask("chat", "hello").build())));
        com.openai.errors.PermissionDeniedException denied = assertThrows(
                com.openai.errors.PermissionDeniedException.class,
                () -> narrow.chat()
                        .completions()
                        .create(ask("gpt-4o-mini", "hello").build()));
        assertTrue(denied.getMessage().contains("'gpt-4o-mini'"), denied.getMessage());
        com.openai.errors.PermissionDeniedException deniedEmbedding = assertThrows(
                com.openai.errors.PermissionDeniedException.class,
                () -> narrow.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("text-embedding-3-small")
                                .input("a caracal")
                                .build()));
        assertTrue(deniedEmbedding.getMessage().contains("'text-embedding-3-small'"), deniedEmbedding.getMessage());
        com.anthropic.errors.PermissionDeniedException deniedAnthropic = assertThrows(
                com.anthropic.errors.PermissionDeniedException.class,
                () -> narrowAnthropic
                        .messages()
                        .create(MessageCreateParams.builder()
                                .model("claude-3-5-haiku-latest")
                                .maxTokens(50)
                                .addUserMessage("hello")
                                .build()));
        assertTrue(deniedAnthropic.getMessage().contains("claude-3-5-haiku-latest"), deniedAnthropic.getMessage());

        // "hello" costs 18 tokens (12 in, 6 out): with 30 a minute, two calls pass (the second overdraws) and the
        // third waits for the bucket to refill
        karaf.console("config:property-set -p dev.caracal.security keyTokensPerMinute 30");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            com.openai.errors.RateLimitException limited = null;
            List<String> remaining = new ArrayList<>();
            while (limited == null && System.nanoTime() < deadline) {
                try {
                    var answer = narrow.chat()
                            .completions()
                            .withRawResponse()
                            .create(ask("chat", "hello").build());
                    answer.headers().values("x-ratelimit-remaining-tokens").forEach(remaining::add);
                    assertEquals("Hi from the primary upstream", content(answer.parse()));
                } catch (com.openai.errors.RateLimitException e) {
                    limited = e;
                }
            }
            assertTrue(limited != null, "the key's token budget never ran out");
            assertTrue(remaining.size() >= 2, "budgets told: " + remaining);
            assertEquals("30", remaining.get(0), "a fresh budget, told before the call: " + remaining);
            int second = Integer.parseInt(remaining.get(1));
            assertTrue(second >= 12 && second < 30, "30 less the 18 the first call reported: " + remaining);
            assertTrue(limited.getMessage().contains("token rate limit (30 tokens a minute)"), limited.getMessage());
            assertEquals(List.of("30"), limited.headers().values("x-ratelimit-limit-tokens"));
            assertEquals(List.of("0"), limited.headers().values("x-ratelimit-remaining-tokens"));
            assertFalse(limited.headers().values("x-ratelimit-reset-tokens").isEmpty());
            int retryAfter =
                    Integer.parseInt(limited.headers().values("retry-after").get(0));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry-after " + retryAfter);

            com.anthropic.errors.RateLimitException limitedAnthropic = assertThrows(
                    com.anthropic.errors.RateLimitException.class,
                    () -> narrowAnthropic
                            .messages()
                            .create(MessageCreateParams.builder()
                                    .model("chat")
                                    .maxTokens(50)
                                    .addUserMessage("hello")
                                    .build()));
            assertEquals(List.of("30"), limitedAnthropic.headers().values("anthropic-ratelimit-tokens-limit"));
            assertEquals(List.of("0"), limitedAnthropic.headers().values("anthropic-ratelimit-tokens-remaining"));
            assertFalse(limitedAnthropic.headers().values("retry-after").isEmpty());

            // another key has its own bucket
            assertEquals(
                    "Hi from the primary upstream",
                    content(openai(0)
                            .chat()
                            .completions()
                            .create(ask("chat", "hello").build())));
        } finally {
            karaf.console("config:property-set -p dev.caracal.security keyTokensPerMinute 0");
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
                .create(ask("live-route", "hello live").build());
        assertEquals("Hi from the backup upstream", content(c));
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
                    .create(ask("chat", "hello again").build());
            assertEquals("Hi from the backup upstream", content(c));
            assertEquals(1, primary.stats().requests(), "the primary was tried first");
            // the same through the Anthropic ingress, streaming: the failed first target is invisible
            Message streamed = AnthropicSdk.stream(
                            anthropic(0),
                            MessageCreateParams.builder()
                                    .model("chat")
                                    .maxTokens(100)
                                    .addUserMessage("hello, streamed")
                                    .build())
                    .message();
            assertEquals(
                    "Hi from the backup upstream",
                    streamed.content().get(0).asText().text());
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
                            .create(ask("chat", "hello?").build()));
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
                                .create(ask("chat", "hello under load").build())
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
