package dev.caracal.gateway.anthropic.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.ServiceUnavailableException;
import com.anthropic.errors.SseException;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ImageBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ThinkingBlock;
import com.anthropic.models.messages.ThinkingBlockParam;
import com.anthropic.models.messages.ThinkingConfigAdaptive;
import com.anthropic.models.messages.ThinkingConfigDisabled;
import com.anthropic.models.messages.ThinkingConfigEnabled;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.anthropic.http.codec.StreamEventNames;
import dev.caracal.gateway.testkit.AnthropicSdk;
import dev.caracal.gateway.testkit.AnthropicSdk.Streamed;
import dev.caracal.gateway.testkit.JettyHarness;
import dev.caracal.gateway.testkit.ScriptedGateway;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.Role;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.Usage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Anthropic Java SDK against {@link MessagesServlet} in an embedded Jetty 9.4, with a scripted gateway
 * behind it. Two contexts serve the same servlet: {@code /} with async support, and {@code /blocking} behind a filter
 * without it (as Caracal's request-guard filter is), where streams are written from a waiting request thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnthropicSdkEndToEndTest {
    private static final String KEY = "sk-ant-test-key";

    private AnthropicIngress ingress;
    private ScriptedGateway gateway;
    private MessagesServlet servlet;
    private String base;
    private AnthropicClient client;

    @BeforeAll
    void start() throws Exception {
        ingress = new AnthropicIngress(0);
        gateway = ingress.gateway();
        servlet = ingress.servlet;
        base = ingress.baseUrl();
        client = client(base, 2);
    }

    @AfterAll
    void stop() throws Exception {
        ingress.close();
    }

    @BeforeEach
    void reset() {
        gateway.reset();
    }

    private static AnthropicClient client(String baseUrl, int maxRetries) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(baseUrl)
                .apiKey(KEY)
                .maxRetries(maxRetries)
                .build();
    }

    private static MessageCreateParams.Builder params() {
        return MessageCreateParams.builder().model("claude-test").maxTokens(256);
    }

    private static ChatResponse text(String text, dev.caracal.llm.StopReason stop) {
        return new ChatResponse(
                "upstream-1",
                "claude-test-upstream",
                List.of(new ContentPart.Text(text)),
                stop,
                new Usage(11, 5, 0, 0));
    }

    // ---- messages.create

    @Test
    void createAnswersAMessage() {
        gateway.answerWith(r -> text("Hello from the gateway", dev.caracal.llm.StopReason.END_TURN));
        Message m = client.messages()
                .create(params().addUserMessage("Hi")
                        .metadata(Metadata.builder().userId("user-7").build())
                        .stopSequences(List.of("END"))
                        .putAdditionalBodyProperty("temperature", JsonValue.from(0.2))
                        .putAdditionalBodyProperty("top_p", JsonValue.from(0.8))
                        .putAdditionalBodyProperty("top_k", JsonValue.from(5))
                        .build());
        m.validate();
        assertTrue(m.id().startsWith("msg_"), m.id());
        assertEquals("claude-test-upstream", m.model().asString());
        assertEquals(1, m.content().size());
        assertEquals("Hello from the gateway", m.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
        assertFalse(m.stopSequence().isPresent());
        assertEquals(11, m.usage().inputTokens());
        assertEquals(5, m.usage().outputTokens());
        assertEquals(0, m.usage().cacheReadInputTokens().orElseThrow());
        assertEquals(0, m.usage().cacheCreationInputTokens().orElseThrow());

        ChatRequest r = gateway.requests().get(0);
        assertEquals("claude-test", r.model());
        assertEquals(256, r.sampling().maxTokens());
        assertEquals(0.2, r.sampling().temperature());
        assertEquals(0.8, r.sampling().topP());
        assertEquals(5, r.sampling().topK());
        assertEquals(List.of("END"), r.stop());
        assertEquals(Map.of("user", "user-7"), r.metadata());
        assertFalse(r.stream());
        assertEquals(List.of(dev.caracal.llm.Message.user("Hi")), r.messages());

        CallContext c = gateway.contexts().get(0);
        assertEquals("anthropic", c.ingress());
        assertEquals(m.id(), c.requestId());
        assertFalse(
                c.attributes().containsValue(KEY), "the raw key never reaches the filters: the guard authenticated it");
        assertNull(c.header("x-api-key"), "credentials are not passed on as headers");
        assertNotNull(c.header("anthropic-version"));
        assertTrue(c.headers().keySet().stream().allMatch(h -> h.equals(h.toLowerCase())));
    }

    @Test
    void createAnswersToolUse() {
        gateway.answerWith(r -> new ChatResponse(
                "u",
                "claude-test",
                List.of(
                        new ContentPart.Text("Let me check."),
                        new ContentPart.ToolUse(
                                "toolu_01", "get_weather", "{\"city\":\"Paris\",\"unit\":\"celsius\"}")),
                dev.caracal.llm.StopReason.TOOL_USE,
                new Usage(30, 12, 20, 4)));
        Message m = client.messages()
                .create(params().addUserMessage("Weather in Paris?")
                        .addTool(weatherTool())
                        .toolChoice(com.anthropic.models.messages.ToolChoiceAuto.builder()
                                .build())
                        .build());
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
        assertEquals("Let me check.", m.content().get(0).asText().text());
        var use = m.content().get(1).asToolUse();
        assertEquals("toolu_01", use.id());
        assertEquals("get_weather", use.name());
        assertEquals(Map.of("city", "Paris", "unit", "celsius"), use._input().convert(Map.class));
        assertEquals(6, m.usage().inputTokens()); // 30 in all, minus 20 read from and 4 written to the cache
        assertEquals(20, m.usage().cacheReadInputTokens().orElseThrow());
        assertEquals(4, m.usage().cacheCreationInputTokens().orElseThrow());

        ChatRequest r = gateway.requests().get(0);
        assertEquals(1, r.tools().size());
        assertEquals("get_weather", r.tools().get(0).name());
        assertEquals("Current weather of a city", r.tools().get(0).description());
        JsonNode schema = tree(r.tools().get(0).inputSchemaJson());
        assertEquals("object", schema.get("type").asText());
        assertEquals("string", schema.get("properties").get("city").get("type").asText());
        assertEquals("city", schema.get("required").get(0).asText());
        assertEquals(ToolChoice.AUTO, r.toolChoice());
    }

    @Test
    void systemPromptIsPassedThrough() {
        gateway.answerWith(r -> text("ok", dev.caracal.llm.StopReason.END_TURN));
        client.messages()
                .create(params().system("You are a pirate.")
                        .addUserMessage("Hi")
                        .build());
        assertEquals("You are a pirate.", gateway.requests().get(0).system());
        client.messages()
                .create(params().systemOfTextBlockParams(List.of(
                                TextBlockParam.builder()
                                        .text("You are a pirate.")
                                        .build(),
                                TextBlockParam.builder().text("Answer briefly.").build()))
                        .addUserMessage("Hi")
                        .build());
        assertEquals(
                "You are a pirate.\n\nAnswer briefly.",
                gateway.requests().get(1).system());
    }

    @Test
    void toolResultsReachTheGateway() {
        gateway.answerWith(r -> text("It is 18 degrees in Paris.", dev.caracal.llm.StopReason.END_TURN));
        Message m = client.messages()
                .create(params().addTool(weatherTool())
                        .addUserMessage("Weather in Paris?")
                        .addAssistantMessageOfContentBlockParams(List.of(
                                ContentBlockParam.ofText(TextBlockParam.builder()
                                        .text("Checking.")
                                        .build()),
                                ContentBlockParam.ofToolUse(ToolUseBlockParam.builder()
                                        .id("toolu_01")
                                        .name("get_weather")
                                        .input(ToolUseBlockParam.Input.builder()
                                                .putAdditionalProperty("city", JsonValue.from("Paris"))
                                                .build())
                                        .build())))
                        .addUserMessageOfContentBlockParams(List.of(
                                ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId("toolu_01")
                                        .content("18 C, sunny")
                                        .build()),
                                ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId("toolu_02")
                                        .content("station offline")
                                        .isError(true)
                                        .build())))
                        .build());
        assertEquals("It is 18 degrees in Paris.", m.content().get(0).asText().text());
        List<dev.caracal.llm.Message> msgs = gateway.requests().get(0).messages();
        assertEquals(3, msgs.size());
        assertEquals(Role.ASSISTANT, msgs.get(1).role());
        ContentPart.ToolUse use = (ContentPart.ToolUse) msgs.get(1).content().get(1);
        assertEquals("toolu_01", use.id());
        assertEquals("get_weather", use.name());
        assertEquals(tree("{\"city\":\"Paris\"}"), tree(use.argumentsJson()));
        assertEquals(Role.USER, msgs.get(2).role());
        assertEquals(
                new ContentPart.ToolResult("toolu_01", List.of(new ContentPart.Text("18 C, sunny")), false),
                msgs.get(2).content().get(0));
        assertEquals(
                new ContentPart.ToolResult("toolu_02", List.of(new ContentPart.Text("station offline")), true),
                msgs.get(2).content().get(1));
    }

    @Test
    void imageBlocksReachTheGateway() {
        gateway.answerWith(r -> text("A cat.", dev.caracal.llm.StopReason.END_TURN));
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        client.messages()
                .create(params().addUserMessageOfContentBlockParams(List.of(
                                ContentBlockParam.ofImage(ImageBlockParam.builder()
                                        .source(Base64ImageSource.builder()
                                                .mediaType(Base64ImageSource.MediaType.IMAGE_PNG)
                                                .data(png)
                                                .build())
                                        .build()),
                                ContentBlockParam.ofImage(ImageBlockParam.builder()
                                        .urlSource("https://example.org/cat.jpg")
                                        .build()),
                                ContentBlockParam.ofText(TextBlockParam.builder()
                                        .text("What is in these images?")
                                        .build())))
                        .build());
        List<ContentPart> parts = gateway.requests().get(0).messages().get(0).content();
        assertEquals(new ContentPart.Image("image/png", png, null), parts.get(0));
        assertEquals(new ContentPart.Image(null, null, "https://example.org/cat.jpg"), parts.get(1));
        assertEquals(new ContentPart.Text("What is in these images?"), parts.get(2));
    }

    // ---- streaming

    @ParameterizedTest(name = "context {0}")
    @ValueSource(strings = {"", "/blocking"})
    void streamsTextIntoTheAccumulator(String context) {
        gateway.streamEvents(
                new StreamEvent.Start("up-1", "claude-test-upstream"),
                new StreamEvent.UsageUpdate(new Usage(21, 1, 0, 0)),
                new StreamEvent.TextDelta(0, "Hello"),
                new StreamEvent.TextDelta(0, ", "),
                new StreamEvent.TextDelta(0, "world"),
                new StreamEvent.UsageUpdate(new Usage(21, 4, 0, 0)),
                new StreamEvent.End(dev.caracal.llm.StopReason.END_TURN));
        Streamed streamed = AnthropicSdk.stream(
                client(base + context, 2), params().addUserMessage("Say hello").build());
        assertEquals(StreamEventNames.seenBySdk(3), types(streamed));
        Message m = streamed.message();
        assertTrue(m.id().startsWith("msg_"));
        assertEquals("claude-test-upstream", m.model().asString());
        assertEquals(1, m.content().size());
        assertEquals("Hello, world", m.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
        assertEquals(21, m.usage().inputTokens());
        assertEquals(4, m.usage().outputTokens());
        assertTrue(gateway.requests().get(0).stream());
        assertFalse(gateway.contexts().get(0).attributes().containsValue(KEY));
        if (!context.isEmpty()) {
            JettyHarness.Guard guard = ingress.jetty().blockingGuard();
            assertFalse(guard.asyncSupported(), "no async support behind the filter");
            assertTrue(guard.answeredInChain(), "the request thread waited for the stream");
        }
    }

    @ParameterizedTest(name = "context {0}")
    @ValueSource(strings = {"", "/blocking"})
    void streamsToolUseWithInputJsonDeltas(String context) {
        gateway.streamEvents(
                new StreamEvent.Start("up-2", "claude-test"),
                new StreamEvent.TextDelta(0, "I'll look that up."),
                new StreamEvent.ToolCallDelta(1, "toolu_07", "get_weather", ""),
                new StreamEvent.ToolCallDelta(1, null, null, "{\"city\": \"Pa"),
                new StreamEvent.ToolCallDelta(1, null, null, "ris\", \"unit\": "),
                new StreamEvent.ToolCallDelta(1, null, null, "\"celsius\"}"),
                new StreamEvent.ToolCallDelta(2, "toolu_08", "get_time", "{\"tz\":\"CET\"}"),
                new StreamEvent.UsageUpdate(new Usage(40, 33, 0, 0)),
                new StreamEvent.End(dev.caracal.llm.StopReason.TOOL_USE));
        Message m = AnthropicSdk.stream(
                        client(base + context, 2),
                        params().addUserMessage("Weather and time in Paris?")
                                .addTool(weatherTool())
                                .build())
                .message();
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
        assertEquals(3, m.content().size());
        assertEquals("I'll look that up.", m.content().get(0).asText().text());
        ContentBlock weather = m.content().get(1);
        assertEquals("toolu_07", weather.asToolUse().id());
        assertEquals("get_weather", weather.asToolUse().name());
        assertEquals(
                Map.of("city", "Paris", "unit", "celsius"),
                weather.asToolUse()._input().convert(Map.class));
        assertEquals("toolu_08", m.content().get(2).asToolUse().id());
        assertEquals(
                Map.of("tz", "CET"), m.content().get(2).asToolUse()._input().convert(Map.class));
        assertEquals(33, m.usage().outputTokens());
    }

    @ParameterizedTest(name = "context {0}")
    @ValueSource(strings = {"", "/blocking"})
    void streamsPlayedInsideTheGatewayCallWork(String context) {
        gateway.answerInline(true);
        gateway.streamEvents(
                new StreamEvent.Start("up", "claude-test"),
                new StreamEvent.TextDelta(0, "cached answer"),
                new StreamEvent.End(dev.caracal.llm.StopReason.END_TURN));
        Message m = AnthropicSdk.stream(
                        client(base + context, 0), params().addUserMessage("x").build())
                .message();
        assertEquals("cached answer", m.content().get(0).asText().text());
    }

    @Test
    void streamWireFormatIsAnthropics() throws Exception {
        gateway.streamEvents(
                new StreamEvent.Start("up", "claude-test"),
                new StreamEvent.TextDelta(0, "Hi"),
                new StreamEvent.ToolCallDelta(1, "toolu_1", "t", "{}"),
                new StreamEvent.End(dev.caracal.llm.StopReason.TOOL_USE));
        HttpResponse<String> resp = post(
                "",
                Map.of("x-api-key", KEY),
                "{\"model\":\"claude-test\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, resp.statusCode());
        assertTrue(resp.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertTrue(resp.headers().firstValue("request-id").orElseThrow().startsWith("req_"));
        List<String> events = new ArrayList<>();
        List<JsonNode> data = new ArrayList<>();
        for (String block : resp.body().split("\n\n")) {
            String[] lines = block.split("\n");
            assertEquals(2, lines.length, block);
            assertTrue(lines[0].startsWith("event: "), block);
            assertTrue(lines[1].startsWith("data: "), block);
            events.add(lines[0].substring(7));
            data.add(tree(lines[1].substring(6)));
        }
        assertEquals(StreamEventNames.onTheWire(1, 1), events);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(events.get(i), data.get(i).get("type").asText());
        }
    }

    @Test
    void streamFailureBeforeTheFirstEventIsAnHttpError() {
        gateway.streamEvents(new StreamEvent.Error(new GatewayException(
                ErrorKind.RATE_LIMITED,
                "every target is rate limited",
                429,
                Duration.ofSeconds(3),
                null,
                true,
                List.of())));
        RateLimitException e = assertThrows(RateLimitException.class, () -> {
            try (StreamResponse<RawMessageStreamEvent> s = client.messages()
                    .createStreaming(params().addUserMessage("x").build())) {
                s.stream().forEach(ev -> {});
            }
        });
        assertEquals("false", e.headers().values("x-should-retry").get(0));
        assertEquals("3", e.headers().values("retry-after").get(0));
        assertEquals(1, gateway.calls(), "x-should-retry: false stops the SDK's retries");
    }

    @Test
    void streamFailureAfterStartIsAnErrorEvent() {
        gateway.streamEvents(
                new StreamEvent.Start("up", "claude-test"),
                new StreamEvent.TextDelta(0, "Partial"),
                new StreamEvent.Error(new LlmException(ErrorKind.OVERLOADED, "upstream overloaded mid-stream")));
        List<String> types = new ArrayList<>();
        SseException e = assertThrows(SseException.class, () -> {
            try (StreamResponse<RawMessageStreamEvent> s = client.messages()
                    .createStreaming(params().addUserMessage("x").build())) {
                s.stream().forEach(ev -> types.add(type(ev)));
            }
        });
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta"), types);
        JsonNode body = body(e);
        assertEquals("error", body.get("type").asText());
        assertEquals("overloaded_error", body.get("error").get("type").asText());
        assertEquals(
                "upstream overloaded mid-stream",
                body.get("error").get("message").asText());
    }

    // ---- extended thinking

    /** A signature as Anthropic's look: base64, with the characters a careless re-encoding would alter. */
    private static final String SIGNATURE = "EqQBCkYIBxgCKkB+/9Zx=Q+abc/def==";

    private static final String REDACTED = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP+==";

    private static MessageCreateParams.Builder thinkingParams() {
        return MessageCreateParams.builder()
                .model("claude-test")
                .maxTokens(4096)
                .enabledThinking(2048);
    }

    @Test
    void createWithThinkingAsksForTheBudgetAndReadsThinkingBlocksBack() {
        gateway.answerWith(r -> new ChatResponse(
                "up",
                "claude-test",
                List.of(
                        new ContentPart.Thinking("The user greets me; answer briefly.", SIGNATURE),
                        new ContentPart.RedactedThinking(REDACTED),
                        new ContentPart.Text("Hello!")),
                dev.caracal.llm.StopReason.END_TURN,
                new Usage(12, 80, 0, 0)));
        Message m =
                client.messages().create(thinkingParams().addUserMessage("Hi").build());
        m.validate();
        assertEquals(3, m.content().size());
        ThinkingBlock thinking = m.content().get(0).asThinking();
        assertEquals("The user greets me; answer briefly.", thinking.thinking());
        assertEquals(SIGNATURE, thinking.signature());
        assertEquals(REDACTED, m.content().get(1).asRedactedThinking().data());
        assertEquals("Hello!", m.content().get(2).asText().text());

        ChatRequest r = gateway.requests().get(0);
        assertEquals(Reasoning.budget(2048), r.reasoning());
        assertEquals(4096, r.sampling().maxTokens());

        client.messages()
                .create(params().maxTokens(1025)
                        .addUserMessage("Hi")
                        .thinking(ThinkingConfigEnabled.builder()
                                .budgetTokens(1024)
                                .build())
                        .build());
        assertEquals(Reasoning.budget(1024), gateway.requests().get(1).reasoning());
        client.messages()
                .create(params().addUserMessage("Hi")
                        .thinking(ThinkingConfigDisabled.builder().build())
                        .build());
        assertEquals(Reasoning.OFF, gateway.requests().get(2).reasoning());
        client.messages().create(params().addUserMessage("Hi").build());
        assertNull(gateway.requests().get(3).reasoning());
    }

    @Test
    void unsignedThinkingReadsBackWithAnEmptySignature() {
        gateway.answerWith(r -> new ChatResponse(
                "up",
                "claude-test",
                List.of(
                        new ContentPart.Thinking("reasoning_content of an OpenAI-compatible upstream", null),
                        new ContentPart.Text("42")),
                dev.caracal.llm.StopReason.END_TURN,
                Usage.ZERO));
        Message m =
                client.messages().create(thinkingParams().addUserMessage("?").build());
        m.validate();
        assertEquals(
                "reasoning_content of an OpenAI-compatible upstream",
                m.content().get(0).asThinking().thinking());
        assertEquals("", m.content().get(0).asThinking().signature());

        // handed back, the empty signature is "none" again
        client.messages()
                .create(thinkingParams()
                        .addUserMessage("?")
                        .addMessage(m)
                        .addUserMessage("And?")
                        .build());
        assertEquals(
                List.of(
                        new ContentPart.Thinking("reasoning_content of an OpenAI-compatible upstream", null),
                        new ContentPart.Text("42")),
                gateway.requests().get(1).messages().get(1).content());
    }

    @Test
    void thinkingAndToolUseHandedBackReachTheGatewayUnchanged() {
        gateway.answerWith(r -> new ChatResponse(
                "up",
                "claude-test",
                List.of(
                        new ContentPart.Thinking("I need the weather tool.", SIGNATURE),
                        new ContentPart.RedactedThinking(REDACTED),
                        new ContentPart.ToolUse("toolu_01", "get_weather", "{\"city\":\"Paris\"}")),
                dev.caracal.llm.StopReason.TOOL_USE,
                new Usage(30, 50, 0, 0)));
        Message first = client.messages()
                .create(thinkingParams()
                        .addTool(weatherTool())
                        .addUserMessage("Weather in Paris?")
                        .build());
        assertEquals(StopReason.TOOL_USE, first.stopReason().orElseThrow());

        gateway.answerWith(r -> text("18 C in Paris.", dev.caracal.llm.StopReason.END_TURN));
        Message second = client.messages()
                .create(thinkingParams()
                        .addTool(weatherTool())
                        .addUserMessage("Weather in Paris?")
                        .addMessage(first)
                        .addUserMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId("toolu_01")
                                        .content("18 C")
                                        .build())))
                        .build());
        assertEquals("18 C in Paris.", second.content().get(0).asText().text());

        ChatRequest r = gateway.requests().get(1);
        assertEquals(Reasoning.budget(2048), r.reasoning());
        dev.caracal.llm.Message assistant = r.messages().get(1);
        assertEquals(Role.ASSISTANT, assistant.role());
        assertEquals(3, assistant.content().size());
        assertEquals(
                new ContentPart.Thinking("I need the weather tool.", SIGNATURE),
                assistant.content().get(0));
        assertEquals(
                new ContentPart.RedactedThinking(REDACTED), assistant.content().get(1));
        ContentPart.ToolUse use = (ContentPart.ToolUse) assistant.content().get(2);
        assertEquals("toolu_01", use.id());
        assertEquals("get_weather", use.name());
        assertEquals(tree("{\"city\":\"Paris\"}"), tree(use.argumentsJson()));
        assertEquals(
                new ContentPart.ToolResult("toolu_01", List.of(new ContentPart.Text("18 C")), false),
                r.messages().get(2).content().get(0));
    }

    @ParameterizedTest(name = "context {0}")
    @ValueSource(strings = {"", "/blocking"})
    void streamsThinkingIntoTheAccumulator(String context) {
        gateway.streamEvents(
                new StreamEvent.Start("up", "claude-test"),
                new StreamEvent.UsageUpdate(new Usage(20, 1, 0, 0)),
                new StreamEvent.ThinkingDelta(0, "The user wants "),
                new StreamEvent.ThinkingDelta(0, "the weather."),
                new StreamEvent.ThinkingSignature(0, SIGNATURE),
                new StreamEvent.RedactedThinking(1, REDACTED),
                new StreamEvent.TextDelta(2, "Checking."),
                new StreamEvent.ToolCallDelta(3, "toolu_05", "get_weather", "{\"city\":"),
                new StreamEvent.ToolCallDelta(3, null, null, "\"Paris\"}"),
                new StreamEvent.UsageUpdate(new Usage(20, 60, 0, 0)),
                new StreamEvent.End(dev.caracal.llm.StopReason.TOOL_USE));
        Streamed streamed = AnthropicSdk.stream(
                client(base + context, 2),
                thinkingParams()
                        .addTool(weatherTool())
                        .addUserMessage("Weather in Paris?")
                        .build());
        assertEquals(StreamEventNames.seenBySdk(3, 0, 1, 2), types(streamed));
        Message m = streamed.message();
        m.validate();
        assertEquals(4, m.content().size());
        assertEquals(
                "The user wants the weather.", m.content().get(0).asThinking().thinking());
        assertEquals(SIGNATURE, m.content().get(0).asThinking().signature());
        assertEquals(REDACTED, m.content().get(1).asRedactedThinking().data());
        assertEquals("Checking.", m.content().get(2).asText().text());
        assertEquals(
                Map.of("city", "Paris"), m.content().get(3).asToolUse()._input().convert(Map.class));
        assertEquals(StopReason.TOOL_USE, m.stopReason().orElseThrow());
        assertEquals(Reasoning.budget(2048), gateway.requests().get(0).reasoning());
        assertTrue(gateway.requests().get(0).stream());

        // the accumulated turn handed back keeps its thinking and signature
        gateway.answerWith(r -> text("18 C.", dev.caracal.llm.StopReason.END_TURN));
        client(base + context, 2)
                .messages()
                .create(thinkingParams()
                        .addTool(weatherTool())
                        .addUserMessage("Weather in Paris?")
                        .addMessage(m)
                        .addUserMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId("toolu_05")
                                        .content("18 C")
                                        .build())))
                        .build());
        List<ContentPart> handedBack =
                gateway.requests().get(1).messages().get(1).content();
        assertEquals(new ContentPart.Thinking("The user wants the weather.", SIGNATURE), handedBack.get(0));
        assertEquals(new ContentPart.RedactedThinking(REDACTED), handedBack.get(1));
        assertEquals(new ContentPart.Text("Checking."), handedBack.get(2));
        assertEquals("toolu_05", ((ContentPart.ToolUse) handedBack.get(3)).id());
    }

    @Test
    void badThinkingConfigsAre400sNamingTheField() {
        BadRequestException e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .create(params().maxTokens(4096)
                                .enabledThinking(512)
                                .addUserMessage("x")
                                .build()));
        assertEquals("invalid_request_error", body(e).get("error").get("type").asText());
        assertEquals(
                "thinking.budget_tokens: Input should be greater than or equal to 1024",
                body(e).get("error").get("message").asText());

        e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .create(params().maxTokens(2048)
                                .enabledThinking(4096)
                                .addUserMessage("x")
                                .build()));
        assertEquals(
                "thinking.budget_tokens: must be less than max_tokens (budget_tokens 4096, max_tokens 2048):"
                        + " the thinking counts within max_tokens",
                body(e).get("error").get("message").asText());

        e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .create(params().addUserMessage("x")
                                .thinking(ThinkingConfigAdaptive.builder().build())
                                .build()));
        assertTrue(
                body(e).get("error")
                        .get("message")
                        .asText()
                        .startsWith("thinking.type: 'adaptive' thinking is not" + " supported by this gateway"),
                body(e).toString());

        e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .create(params().putAdditionalBodyProperty(
                                        "thinking", JsonValue.from(Map.of("type", "enabled")))
                                .addUserMessage("x")
                                .build()));
        assertEquals(
                "thinking.budget_tokens: Field required",
                body(e).get("error").get("message").asText());

        e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .create(thinkingParams()
                                .addUserMessageOfContentBlockParams(
                                        List.of(ContentBlockParam.ofThinking(ThinkingBlockParam.builder()
                                                .thinking("mine")
                                                .signature(SIGNATURE)
                                                .build())))
                                .build()));
        assertEquals(
                "messages.0.content.0.type: thinking blocks are only allowed in assistant messages",
                body(e).get("error").get("message").asText());
        assertEquals(0, gateway.calls(), "invalid requests never reach the gateway");
    }

    // ---- auth headers

    @Test
    void bearerTokenIsTheClientKey() throws Exception {
        gateway.answerWith(r -> text("ok", dev.caracal.llm.StopReason.END_TURN));
        HttpResponse<String> resp = post(
                "",
                Map.of(
                        "Authorization",
                        "Bearer sk-bearer-1",
                        "anthropic-version",
                        "2023-06-01",
                        "anthropic-beta",
                        "some-beta-2099-01-01",
                        "X-Custom",
                        "Value"),
                "{\"model\":\"claude-test\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals(200, resp.statusCode(), resp.body());
        assertTrue(resp.headers().firstValue("request-id").orElseThrow().startsWith("req_"));
        JsonNode m = tree(resp.body());
        assertEquals("message", m.get("type").asText());
        assertEquals("assistant", m.get("role").asText());
        assertEquals("ok", m.get("content").get(0).get("text").asText());
        CallContext c = gateway.contexts().get(0);
        assertFalse(c.attributes().containsValue("sk-bearer-1"));
        assertNull(c.header("authorization"));
        assertEquals("Value", c.header("x-custom"));
        assertEquals("some-beta-2099-01-01", c.header("anthropic-beta"));

        // the SDK's own bearer style (auth token) as well
        AnthropicClient bearer = AnthropicOkHttpClient.builder()
                .baseUrl(base)
                .authToken("sk-bearer-2")
                .build();
        bearer.messages().create(params().addUserMessage("Hi").build());
        assertFalse(gateway.contexts().get(1).attributes().containsValue("sk-bearer-2"));
        assertNull(gateway.contexts().get(1).header("authorization"));
    }

    // ---- errors

    @Test
    void gatewayErrorsBecomeTheSdksExceptions() {
        gateway.failWith(new GatewayException(
                ErrorKind.INVALID_REQUEST, "prompt rejected by the upstream", 400, null, null, true, List.of()));
        BadRequestException bad = assertThrows(
                BadRequestException.class,
                () -> client.messages().create(params().addUserMessage("x").build()));
        assertTrue(bad.getMessage().contains("prompt rejected by the upstream"), bad.getMessage());
        assertEquals("invalid_request_error", body(bad).get("error").get("type").asText());

        gateway.failWith(new GatewayException(
                ErrorKind.NOT_FOUND, "no route for model 'claude-nope'", 0, null, null, false, List.of()));
        NotFoundException nf = assertThrows(
                NotFoundException.class,
                () -> client.messages().create(params().addUserMessage("x").build()));
        assertEquals("not_found_error", body(nf).get("error").get("type").asText());
        assertTrue(nf.headers().values("request-id").get(0).startsWith("req_"));
    }

    @Test
    void exhaustedRateLimitIsNotRetried() {
        gateway.failWith(new GatewayException(
                ErrorKind.RATE_LIMITED,
                "all targets rate limited",
                429,
                Duration.ofMillis(1500),
                null,
                true,
                List.of()));
        RateLimitException e = assertThrows(
                RateLimitException.class,
                () -> client.messages().create(params().addUserMessage("x").build()));
        assertEquals(429, e.statusCode());
        assertEquals("rate_limit_error", body(e).get("error").get("type").asText());
        assertEquals("false", e.headers().values("x-should-retry").get(0));
        assertEquals("2", e.headers().values("retry-after").get(0));
        assertEquals(1, gateway.calls(), "the SDK (maxRetries 2) did not retry");
    }

    @Test
    void exhaustedOverloadIsNotRetried() {
        gateway.failWith(new GatewayException(
                ErrorKind.OVERLOADED, "every target overloaded", 529, null, null, true, List.of()));
        OverloadedException e = assertThrows(
                OverloadedException.class,
                () -> client.messages().create(params().addUserMessage("x").build()));
        assertEquals(529, e.statusCode());
        assertEquals("overloaded_error", body(e).get("error").get("type").asText());
        assertEquals(1, gateway.calls());
    }

    @Test
    void retryableFailureWithoutExhaustionIsRetriedByTheSdk() {
        gateway.failWith(
                new GatewayException(ErrorKind.OVERLOADED, "one target overloaded", 529, null, null, false, List.of()));
        assertThrows(
                OverloadedException.class,
                () -> client(base, 1)
                        .messages()
                        .create(params().addUserMessage("x").build()));
        assertEquals(2, gateway.calls(), "without x-should-retry: false the SDK retries once (maxRetries 1)");
    }

    @Test
    void validationErrorsAre400sNamingTheField() {
        BadRequestException e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .create(params().maxTokens(0).addUserMessage("x").build()));
        JsonNode body = body(e);
        assertEquals("error", body.get("type").asText());
        assertEquals("invalid_request_error", body.get("error").get("type").asText());
        assertEquals(
                "max_tokens: Input should be greater than or equal to 1",
                body.get("error").get("message").asText());
        assertTrue(body.get("request_id").asText().startsWith("req_"));

        e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .create(params().addUserMessage("x")
                                .addAssistantMessage("y")
                                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofText(
                                        TextBlockParam.builder().text("").build())))
                                .build()));
        assertEquals(
                "messages.2.content.0.text: text content blocks must be non-empty",
                body(e).get("error").get("message").asText());

        e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .create(params().addUserMessage("x")
                                .putAdditionalBodyProperty("temperature", JsonValue.from(1.7))
                                .build()));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());

        e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .create(params().addUserMessage("x")
                                .addTool(Tool.builder()
                                        .name("t")
                                        .inputSchema(Tool.InputSchema.builder().build())
                                        .build())
                                .toolChoice(com.anthropic.models.messages.ToolChoiceTool.builder()
                                        .name("other")
                                        .build())
                                .build()));
        assertEquals(
                "tool_choice.name: no tool named 'other' is defined in 'tools'",
                body(e).get("error").get("message").asText());
        assertEquals(0, gateway.calls(), "invalid requests never reach the gateway");
    }

    @Test
    void countTokensAnswersTheGatewaysCountLabelledWhenEstimated() {
        var counted = client.messages()
                .withRawResponse()
                .countTokens(MessageCountTokensParams.builder()
                        .model("claude-test")
                        .system("Be brief.")
                        .addUserMessage("How many tokens is this question?")
                        .build());
        long n = counted.parse().inputTokens();
        assertTrue(n > 5 && n < 30, "an estimate of about a quarter of the characters: " + n);
        assertEquals(
                java.util.Optional.of("estimate"),
                counted.headers().values("x-caracal-token-count").stream().findFirst());
        assertEquals(0, gateway.calls(), "counting generates nothing");

        BadRequestException e = assertThrows(
                BadRequestException.class,
                () -> client.messages()
                        .countTokens(MessageCountTokensParams.builder()
                                .model("claude-test")
                                .addUserMessage("x")
                                .putAdditionalBodyProperty("max_tokens", com.anthropic.core.JsonValue.from(10))
                                .build()));
        assertEquals(
                "max_tokens: Extra inputs are not permitted",
                body(e).get("error").get("message").asText());
    }

    @Test
    void noGatewayIs503() {
        servlet.gateway = null; // the gateway leaves: SCR clears the reference
        try {
            ServiceUnavailableException e = assertThrows(
                    ServiceUnavailableException.class,
                    () -> client(base, 0)
                            .messages()
                            .create(params().addUserMessage("x").build()));
            assertEquals("api_error", body(e).get("error").get("type").asText());
        } finally {
            servlet.gateway = gateway;
        }
    }

    @Test
    void protocolErrorsUseTheEnvelope() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> get = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/messages")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("allow").orElseThrow());
        assertEnvelope(get, "invalid_request_error");

        HttpResponse<String> malformed = post("", Map.of(), "{\"model\": ");
        assertEquals(400, malformed.statusCode());
        assertEnvelope(malformed, "invalid_request_error");

        HttpResponse<String> notObject = post("", Map.of(), "[1,2]");
        assertEquals(400, notObject.statusCode());
        assertEnvelope(notObject, "invalid_request_error");

        HttpResponse<String> unknown = post("/batches", Map.of(), "{}");
        assertEquals(404, unknown.statusCode());
        assertEnvelope(unknown, "not_found_error");

        dev.caracal.core.http.HttpSettings small = () -> 1024;
        servlet.settings = small;
        try {
            HttpResponse<String> big = post("", Map.of(), "{\"model\":\"" + "x".repeat(5000) + "\"}");
            assertEquals(413, big.statusCode());
            assertEnvelope(big, "request_too_large");
        } finally {
            servlet.settings = null;
        }
        assertEquals(0, gateway.calls());
    }

    @Test
    void unexpectedGatewayFailureIsA500WithoutStackTrace() {
        gateway.failWith(new IllegalStateException("bug in the engine"));
        AnthropicServiceException e = assertThrows(
                AnthropicServiceException.class,
                () -> client(base, 0)
                        .messages()
                        .create(params().addUserMessage("x").build()));
        assertEquals(500, e.statusCode());
        JsonNode body = body(e);
        assertEquals("api_error", body.get("error").get("type").asText());
        assertFalse(body.toString().contains("IllegalStateException"));
        assertInstanceOf(com.anthropic.errors.InternalServerException.class, e);
    }

    // ---- helpers

    private static void assertEnvelope(HttpResponse<String> resp, String type) {
        assertTrue(resp.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        assertTrue(resp.headers().firstValue("request-id").orElseThrow().startsWith("req_"));
        JsonNode body = tree(resp.body());
        assertEquals("error", body.get("type").asText(), resp.body());
        assertEquals(type, body.get("error").get("type").asText(), resp.body());
        assertFalse(body.get("error").get("message").asText().isBlank());
    }

    private HttpResponse<String> post(String suffix, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/messages" + suffix))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static JsonNode body(AnthropicServiceException e) {
        return e.body().convert(JsonNode.class);
    }

    /** The types of a stream's events, in order. */
    private static List<String> types(Streamed streamed) {
        return streamed.events().stream().map(AnthropicSdkEndToEndTest::type).toList();
    }

    private static String type(RawMessageStreamEvent e) {
        if (e.isMessageStart()) {
            return "message_start";
        } else if (e.isContentBlockStart()) {
            return "content_block_start";
        } else if (e.isContentBlockDelta()) {
            return "content_block_delta";
        } else if (e.isContentBlockStop()) {
            return "content_block_stop";
        } else if (e.isMessageDelta()) {
            return "message_delta";
        } else if (e.isMessageStop()) {
            return "message_stop";
        }
        return "unknown";
    }

    private static Tool weatherTool() {
        return Tool.builder()
                .name("get_weather")
                .description("Current weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of(
                                "city",
                                Map.of("type", "string"),
                                "unit",
                                Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")))))
                        .required(List.of("city"))
                        .build())
                .build();
    }
}
