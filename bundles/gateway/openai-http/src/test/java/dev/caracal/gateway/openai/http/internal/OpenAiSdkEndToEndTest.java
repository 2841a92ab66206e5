package dev.caracal.gateway.openai.http.internal;

import static dev.caracal.gateway.testkit.OpenAiSdk.ask;
import static dev.caracal.gateway.testkit.OpenAiSdk.askWithWeatherTool;
import static dev.caracal.gateway.testkit.OpenAiSdk.content;
import static dev.caracal.gateway.testkit.OpenAiSdk.stream;
import static dev.caracal.gateway.testkit.OpenAiSdk.withToolResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.testkit.OpenAiSdk.Streamed;
import dev.caracal.gateway.testkit.ScriptedGateway;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Embeddings;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.ToolDefinition;
import dev.caracal.llm.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK as a black-box client of the ingress servlets, hosted in Jetty, in front of a
 * scripted gateway. Response validation is on, so every object must match OpenAI's schema as the SDK knows it.
 */
class OpenAiSdkEndToEndTest {
    static final String KEY = "sk-test-0123456789";
    static final String PNG = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10});

    static OpenAiIngress ingress;
    static ScriptedGateway gateway;
    static OpenAIClient client;
    static OpenAIClient retryingClient;
    static OpenAIClient blockingClient;

    @BeforeAll
    static void start() throws Exception {
        ingress = new OpenAiIngress(1024 * 1024);
        gateway = ingress.gateway();
        client = OpenAIOkHttpClient.builder()
                .baseUrl(ingress.baseUrl())
                .apiKey(KEY)
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Duration.ofSeconds(30))
                .build();
        retryingClient = OpenAIOkHttpClient.builder()
                .baseUrl(ingress.baseUrl())
                .apiKey(KEY)
                .maxRetries(2)
                .timeout(Duration.ofSeconds(30))
                .build();
        blockingClient = OpenAIOkHttpClient.builder()
                .baseUrl(ingress.blockingBaseUrl())
                .apiKey(KEY)
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        retryingClient.close();
        blockingClient.close();
        ingress.close();
    }

    @BeforeEach
    void reset() {
        gateway.reset();
    }

    static ChatCompletionCreateParams.Builder hello() {
        return ask("gpt-4o", "Hello");
    }

    static ChatResponse text(String text) {
        return ScriptedGateway.reply("gpt-4o-2024-08-06", text);
    }

    // ---- chat completions ----

    @Test
    void chatCompletion() {
        gateway.answerWith(r -> text("Hi there!"));
        ChatCompletion c = client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addSystemMessage("Be brief.")
                        .addDeveloperMessage("Be kind.")
                        .addUserMessage("Hello")
                        .temperature(0.5)
                        .topP(0.8)
                        .maxCompletionTokens(50L)
                        .seed(7L)
                        .presencePenalty(0.1)
                        .frequencyPenalty(-0.2)
                        .stopOfStrings(List.of("END"))
                        .user("alice")
                        .putAdditionalHeader("X-Caracal-Route", "fast")
                        .build());

        assertTrue(c.id().startsWith("chatcmpl-"), c.id());
        assertEquals("gpt-4o-2024-08-06", c.model());
        assertEquals("Hi there!", content(c));
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        assertEquals(11, c.usage().orElseThrow().promptTokens());
        assertEquals(3, c.usage().orElseThrow().completionTokens());
        assertEquals(14, c.usage().orElseThrow().totalTokens());
        assertEquals(
                2L,
                c.usage()
                        .orElseThrow()
                        .promptTokensDetails()
                        .orElseThrow()
                        .cachedTokens()
                        .orElseThrow());

        ChatRequest r = gateway.lastRequest();
        assertEquals("gpt-4o", r.model());
        assertEquals("Be brief.\n\nBe kind.", r.system());
        assertEquals(List.of(Message.user("Hello")), r.messages());
        assertEquals(new SamplingParameters(0.5, 0.8, null, 50, 7L, 0.1, -0.2), r.sampling());
        assertEquals(List.of("END"), r.stop());
        assertEquals("alice", r.metadata().get("user"));
        assertFalse(r.stream());

        var ctx = gateway.lastContext();
        assertEquals("openai", ctx.ingress());
        assertEquals(c.id(), ctx.requestId());
        assertEquals("fast", ctx.header("x-caracal-route"));
        assertNull(ctx.headers().get("authorization"));
        assertTrue(ctx.headers().keySet().stream().allMatch(k -> k.equals(k.toLowerCase())));
        assertFalse(ctx.attributes().containsValue(KEY), "the raw key never reaches the filters");
    }

    @Test
    void streamingTextWithUsage() {
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "gpt-4o-mini"),
                new StreamEvent.UsageUpdate(new Usage(9, 0, 0, 0)),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo "),
                new StreamEvent.TextDelta(0, "world"),
                new StreamEvent.UsageUpdate(new Usage(9, 4, 0, 0)),
                new StreamEvent.End(StopReason.END_TURN)));
        for (OpenAIClient c : List.of(client, blockingClient)) {
            Streamed streamed = stream(
                    c,
                    hello().streamOptions(ChatCompletionStreamOptions.builder()
                                    .includeUsage(true)
                                    .build())
                            .build());
            List<ChatCompletionChunk> chunks = streamed.chunks();
            assertTrue(gateway.lastRequest().stream());
            String text = chunks.stream()
                    .filter(ch -> !ch.choices().isEmpty())
                    .map(ch -> ch.choices().get(0).delta().content().orElse(""))
                    .collect(Collectors.joining());
            assertEquals("Hello world", text);
            assertEquals(
                    ChatCompletionChunk.Choice.Delta.Role.ASSISTANT,
                    chunks.get(0).choices().get(0).delta().role().orElseThrow());
            ChatCompletionChunk last = chunks.get(chunks.size() - 1);
            assertTrue(last.choices().isEmpty());
            assertEquals(9, last.usage().orElseThrow().promptTokens());
            assertEquals(4, last.usage().orElseThrow().completionTokens());
            assertEquals(
                    ChatCompletionChunk.Choice.FinishReason.STOP,
                    chunks.get(chunks.size() - 2)
                            .choices()
                            .get(0)
                            .finishReason()
                            .orElseThrow());
            assertTrue(
                    chunks.stream().allMatch(ch -> ch.id().equals(chunks.get(0).id())));
            assertEquals(gateway.lastContext().requestId(), chunks.get(0).id());
            ChatCompletion whole = streamed.completion();
            assertEquals("Hello world", content(whole));
            assertEquals("gpt-4o-mini", whole.model());
        }
    }

    @Test
    void toolDefinitionsInAndToolCallsOut() {
        gateway.answerWith(r -> new ChatResponse(
                "up",
                "gpt-4o",
                List.of(new ContentPart.ToolUse("call_abc", "get_weather", "{\"city\":\"Paris\"}")),
                StopReason.TOOL_USE,
                new Usage(20, 10, 0, 0)));
        ChatCompletion c = client.chat()
                .completions()
                .create(askWithWeatherTool("gpt-4o", "Weather in Paris?")
                        .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                        .build());

        ChatRequest r = gateway.lastRequest();
        assertEquals(1, r.tools().size());
        ToolDefinition def = r.tools().get(0);
        assertEquals("get_weather", def.name());
        assertEquals("Current weather of a city", def.description());
        assertTrue(def.inputSchemaJson().contains("\"required\":[\"city\"]"), def.inputSchemaJson());
        assertEquals(ToolChoice.REQUIRED, r.toolChoice());

        ChatCompletionMessage m = c.choices().get(0).message();
        assertTrue(m.content().isEmpty());
        assertEquals(
                ChatCompletion.Choice.FinishReason.TOOL_CALLS,
                c.choices().get(0).finishReason());
        ChatCompletionMessageFunctionToolCall call =
                m.toolCalls().orElseThrow().get(0).asFunction();
        assertEquals("call_abc", call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals("{\"city\":\"Paris\"}", call.function().arguments());

        // a named tool choice
        client.chat()
                .completions()
                .create(askWithWeatherTool("gpt-4o", "Weather in Paris?")
                        .toolChoice(ChatCompletionNamedToolChoice.builder()
                                .function(ChatCompletionNamedToolChoice.Function.builder()
                                        .name("get_weather")
                                        .build())
                                .build())
                        .build());
        assertEquals(ToolChoice.tool("get_weather"), gateway.lastRequest().toolChoice());
    }

    @Test
    void eventsDeliveredInsideStreamCallAreServedToo() {
        gateway.answerInline(true);
        gateway.streamEvents(List.of(
                new StreamEvent.Start("cache", "gpt-4o"),
                new StreamEvent.TextDelta(0, "cached"),
                new StreamEvent.End(StopReason.END_TURN)));
        for (OpenAIClient c : List.of(client, blockingClient)) {
            assertEquals("cached", content(stream(c, hello().build()).completion()));
        }
    }

    @Test
    void unexpectedFailuresAre500sWithoutDetails() {
        gateway.failWith(new IllegalStateException("secret internals"));
        InternalServerException e = assertThrows(
                InternalServerException.class, () -> client.chat().completions().create(hello().build()));
        assertEquals(500, e.statusCode());
        assertFalse(e.getMessage().contains("secret internals"), e.getMessage());
        assertTrue(e.getMessage().contains("incident"), e.getMessage());
    }

    @Test
    void streamedToolCallsAreAssembledByTheAccumulator() {
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "gpt-4o"),
                new StreamEvent.TextDelta(0, "Let me look."),
                new StreamEvent.ToolCallDelta(1, "call_1", "get_weather", ""),
                new StreamEvent.ToolCallDelta(1, null, null, "{\"city\":"),
                new StreamEvent.ToolCallDelta(1, null, null, "\"Paris\"}"),
                new StreamEvent.ToolCallDelta(2, "call_2", "get_weather", "{\"city\":\"Rome\"}"),
                new StreamEvent.UsageUpdate(new Usage(30, 12, 0, 0)),
                new StreamEvent.End(StopReason.TOOL_USE)));
        for (OpenAIClient c : List.of(client, blockingClient)) {
            Streamed streamed =
                    stream(c, askWithWeatherTool("gpt-4o", "Paris and Rome?").build());
            List<Long> indexes = new ArrayList<>();
            streamed.chunks()
                    .forEach(chunk -> chunk.choices()
                            .forEach(ch -> ch.delta()
                                    .toolCalls()
                                    .ifPresent(tcs -> tcs.forEach(tc -> indexes.add(tc.index())))));
            assertEquals(List.of(0L, 0L, 0L, 1L), indexes);
            ChatCompletion whole = streamed.completion();
            ChatCompletion.Choice choice = whole.choices().get(0);
            assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
            assertEquals("Let me look.", choice.message().content().orElseThrow());
            var calls = choice.message().toolCalls().orElseThrow();
            assertEquals(2, calls.size());
            assertEquals("call_1", calls.get(0).asFunction().id());
            assertEquals("get_weather", calls.get(0).asFunction().function().name());
            assertEquals(
                    "{\"city\":\"Paris\"}", calls.get(0).asFunction().function().arguments());
            assertEquals("call_2", calls.get(1).asFunction().id());
            assertEquals(
                    "{\"city\":\"Rome\"}", calls.get(1).asFunction().function().arguments());
        }
    }

    // ---- reasoning ----

    @Test
    void reasoningEffortReachesTheGateway() {
        gateway.answerWith(r -> text("ok"));
        for (OpenAIClient c : List.of(client, blockingClient)) {
            c.chat()
                    .completions()
                    .create(hello().reasoningEffort(ReasoningEffort.HIGH).build());
            assertEquals(
                    Reasoning.effort(Reasoning.Effort.HIGH),
                    gateway.lastRequest().reasoning());
            c.chat()
                    .completions()
                    .create(hello().reasoningEffort(ReasoningEffort.MINIMAL).build());
            assertEquals(
                    Reasoning.effort(Reasoning.Effort.MINIMAL),
                    gateway.lastRequest().reasoning());
            c.chat()
                    .completions()
                    .create(hello().reasoningEffort(ReasoningEffort.of("none")).build());
            assertEquals(Reasoning.OFF, gateway.lastRequest().reasoning());
            c.chat().completions().create(hello().build());
            assertNull(gateway.lastRequest().reasoning());
        }
        int calls = gateway.calls();
        BadRequestException e = assertThrows(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(hello().reasoningEffort(ReasoningEffort.of("maximal"))
                                .build()));
        assertEquals("reasoning_effort", e.param().orElseThrow());
        assertEquals("invalid_value", e.code().orElseThrow());
        assertTrue(e.getMessage().contains("'none', 'minimal', 'low', 'medium' or 'high'"), e.getMessage());
        assertEquals(calls, gateway.calls());
    }

    @Test
    void thinkingIsReturnedAsReasoningContentAndTakenBackFromTheHistory() {
        for (OpenAIClient c : List.of(client, blockingClient)) {
            gateway.answerWith(r -> new ChatResponse(
                    "up-1",
                    "deepseek-reasoner",
                    List.of(
                            new ContentPart.Thinking("The user greets; ", "sig"),
                                    new ContentPart.RedactedThinking("opaque"),
                            new ContentPart.Thinking("greet back.", null), new ContentPart.Text("Hi!")),
                    StopReason.END_TURN,
                    new Usage(11, 3, 0, 0)));
            ChatCompletion first = c.chat().completions().create(hello().build());
            ChatCompletionMessage message = first.choices().get(0).message();
            assertEquals("Hi!", message.content().orElseThrow());
            assertEquals(
                    JsonValue.from("The user greets; greet back."),
                    message._additionalProperties().get("reasoning_content"));
            assertEquals(
                    1,
                    message._additionalProperties().size(),
                    message._additionalProperties().toString());

            gateway.answerWith(r -> text("Fine."));
            c.chat()
                    .completions()
                    .create(hello().addMessage(message)
                            .addMessage(ChatCompletionAssistantMessageParam.builder()
                                    .content("Also this.")
                                    .putAdditionalProperty("reasoning_content", JsonValue.from("Echoed back."))
                                    .build())
                            .addUserMessage("How are you?")
                            .build());
            List<Message> msgs = gateway.lastRequest().messages();
            assertEquals(
                    new Message(
                            Role.ASSISTANT,
                            List.of(
                                    new ContentPart.Thinking("Echoed back.", null),
                                    new ContentPart.Text("Also this."))),
                    msgs.get(2));
            // the SDK's toParam() drops the property it does not model: that turn comes back without thinking
            assertEquals(Message.assistant("Hi!"), msgs.get(1));
        }
    }

    @Test
    void answersWithoutThinkingHaveNoReasoningContent() {
        gateway.answerWith(r -> text("Plain."));
        ChatCompletion c = client.chat().completions().create(hello().build());
        assertEquals("Plain.", content(c));
        assertEquals(Map.of(), c.choices().get(0).message()._additionalProperties());
    }

    @Test
    void streamedThinkingArrivesAsReasoningContentDeltas() {
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "deepseek-reasoner"),
                new StreamEvent.ThinkingDelta(0, "Two "),
                new StreamEvent.ThinkingDelta(0, "plus two "),
                new StreamEvent.ThinkingDelta(0, "is four."),
                new StreamEvent.ThinkingSignature(0, "sig"),
                new StreamEvent.RedactedThinking(1, "opaque"),
                new StreamEvent.TextDelta(2, "It is "),
                new StreamEvent.TextDelta(2, "4."),
                new StreamEvent.UsageUpdate(new Usage(9, 7, 0, 0)),
                new StreamEvent.End(StopReason.END_TURN)));
        for (OpenAIClient c : List.of(client, blockingClient)) {
            Streamed streamed = stream(c, hello().build());
            List<ChatCompletionChunk> chunks = streamed.chunks();
            List<ChatCompletionChunk.Choice.Delta> deltas =
                    chunks.stream().map(ch -> ch.choices().get(0).delta()).toList();
            assertEquals(
                    ChatCompletionChunk.Choice.Delta.Role.ASSISTANT,
                    deltas.get(0).role().orElseThrow());
            String thinking = deltas.stream()
                    .map(d -> d._additionalProperties().get("reasoning_content"))
                    .filter(v -> v != null)
                    .map(v -> v.asStringOrThrow())
                    .collect(Collectors.joining());
            assertEquals("Two plus two is four.", thinking);
            List<String> text = deltas.stream()
                    .map(d -> d.content().orElse(""))
                    .filter(t -> !t.isEmpty())
                    .toList();
            assertEquals(List.of("It is ", "4."), text);
            assertTrue(deltas.stream()
                    .noneMatch(d ->
                            d.content().isPresent() && d._additionalProperties().containsKey("reasoning_content")));
            assertEquals("It is 4.", content(streamed.completion()));
            assertEquals(
                    ChatCompletionChunk.Choice.FinishReason.STOP,
                    chunks.get(chunks.size() - 1)
                            .choices()
                            .get(0)
                            .finishReason()
                            .orElseThrow());
            assertFalse(chunks.toString().contains("opaque"));
        }
    }

    @Test
    void toolResultMessagesIn() {
        gateway.answerWith(r -> new ChatResponse(
                "up",
                "gpt-4o",
                List.of(new ContentPart.ToolUse("call_1", "get_weather", "{\"city\":\"Paris\"}")),
                StopReason.TOOL_USE,
                null));
        ChatCompletion first = client.chat()
                .completions()
                .create(askWithWeatherTool("gpt-4o", "Weather in Paris?").build());

        gateway.answerWith(r -> text("It is 18C in Paris."));
        ChatCompletion second = client.chat()
                .completions()
                .create(withToolResult(askWithWeatherTool("gpt-4o", "Weather in Paris?"), first, "18C, sunny")
                        .build());
        assertEquals("It is 18C in Paris.", content(second));

        List<Message> msgs = gateway.lastRequest().messages();
        assertEquals(3, msgs.size());
        assertEquals(
                new Message(
                        Role.ASSISTANT,
                        List.of(new ContentPart.ToolUse("call_1", "get_weather", "{\"city\":\"Paris\"}"))),
                msgs.get(1));
        assertEquals(
                new Message(
                        Role.TOOL,
                        List.of(new ContentPart.ToolResult(
                                "call_1", List.of(new ContentPart.Text("18C, sunny")), false))),
                msgs.get(2));
    }

    @Test
    void imageParts() {
        gateway.answerWith(r -> text("A tiny PNG."));
        client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessageOfArrayOfContentParts(List.of(
                                ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                                        .text("What is in these?")
                                        .build()),
                                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                        .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                                .url("data:image/png;base64," + PNG)
                                                .detail(ChatCompletionContentPartImage.ImageUrl.Detail.LOW)
                                                .build())
                                        .build()),
                                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                        .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                                .url("https://example.com/cat.jpg")
                                                .build())
                                        .build())))
                        .build());
        assertEquals(
                List.of(
                        new ContentPart.Text("What is in these?"),
                        new ContentPart.Image("image/png", PNG, null, "low"),
                        new ContentPart.Image(null, null, "https://example.com/cat.jpg")),
                gateway.lastRequest().messages().get(0).content());
    }

    // ---- embeddings and models ----

    @Test
    void embeddingsFloatAndBase64() {
        float[] v0 = {0.125f, -0.5f, 1e-3f, 0.333333f};
        float[] v1 = {1f, 0f, -1f, 2.5e-8f};
        gateway.embedWith((model, inputs) -> new Embeddings(List.of(v0, v1), 6));
        for (EmbeddingCreateParams.EncodingFormat format :
                List.of(EmbeddingCreateParams.EncodingFormat.FLOAT, EmbeddingCreateParams.EncodingFormat.BASE64)) {
            CreateEmbeddingResponse resp = client.embeddings()
                    .create(EmbeddingCreateParams.builder()
                            .model("all-minilm-l6-v2")
                            .inputOfArrayOfStrings(List.of("first", "second"))
                            .encodingFormat(format)
                            .build());
            assertEquals("all-minilm-l6-v2", gateway.lastEmbedModel());
            assertEquals(List.of("first", "second"), gateway.lastInputs());
            assertEquals(2, resp.data().size());
            assertEquals(toList(v0), resp.data().get(0).embedding(), format.toString());
            assertEquals(toList(v1), resp.data().get(1).embedding(), format.toString());
            assertEquals(1, resp.data().get(1).index());
            assertEquals("all-minilm-l6-v2", resp.model());
            assertEquals(6, resp.usage().promptTokens());
            assertEquals(6, resp.usage().totalTokens());
        }
        CreateEmbeddingResponse one = client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("all-minilm-l6-v2")
                        .input("just one")
                        .build());
        assertEquals(List.of("just one"), gateway.lastInputs());
        assertEquals(toList(v0), one.data().get(0).embedding());
    }

    static List<Float> toList(float[] v) {
        List<Float> out = new ArrayList<>();
        for (float f : v) {
            out.add(f);
        }
        return out;
    }

    @Test
    void embeddingDimensionsAndTokenArraysAreRefused() {
        gateway.embedWith((model, inputs) -> new Embeddings(List.of(new float[] {1, 2, 3}), 1));
        BadRequestException dims = assertThrows(
                BadRequestException.class,
                () -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("e")
                                .input("x")
                                .dimensions(256L)
                                .build()));
        assertEquals("dimensions", dims.param().orElseThrow());
        client.embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("e")
                        .input("x")
                        .dimensions(3L)
                        .build());

        int before = gateway.calls();
        BadRequestException tokens = assertThrows(
                BadRequestException.class,
                () -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("e")
                                .inputOfArrayOfTokens(List.of(1L, 2L))
                                .build()));
        assertEquals("input", tokens.param().orElseThrow());
        assertTrue(tokens.getMessage().contains("token arrays are not supported"), tokens.getMessage());
        assertEquals(before, gateway.calls());
    }

    @Test
    void modelsListAndRetrieve() {
        gateway.listModels(List.of(
                new ModelInfo("gpt-4o", "openai-main", null), new ModelInfo("claude-sonnet", "anthropic", null)));
        List<Model> models = client.models().list().data();
        assertEquals(
                List.of("gpt-4o", "claude-sonnet"),
                models.stream().map(Model::id).toList());
        assertEquals("openai-main", models.get(0).ownedBy());
        Model m = client.models().retrieve("claude-sonnet");
        assertEquals("anthropic", m.ownedBy());
        NotFoundException nf =
                assertThrows(NotFoundException.class, () -> client.models().retrieve("nope"));
        assertEquals("model_not_found", nf.code().orElseThrow());
    }

    // ---- errors ----

    @Test
    void validationErrorsAre400sNamingTheField() {
        BadRequestException e = assertThrows(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(hello().temperature(2.5).build()));
        assertEquals("temperature", e.param().orElseThrow());
        assertEquals("invalid_request_error", e.type().orElseThrow());
        e = assertThrows(
                BadRequestException.class,
                () -> client.chat().completions().create(hello().n(3L).build()));
        assertEquals("n", e.param().orElseThrow());
        e = assertThrows(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(hello().stopOfStrings(List.of("a", "b", "c", "d", "e"))
                                .build()));
        assertEquals("stop", e.param().orElseThrow());
        e = assertThrows(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(ask("gpt-4o", "Hi")
                                .addAssistantMessage("Hello")
                                .addMessage(ChatCompletionToolMessageParam.builder()
                                        .toolCallId("")
                                        .content("x")
                                        .build())
                                .build()));
        assertEquals("messages[2].tool_call_id", e.param().orElseThrow());
        assertEquals(0, gateway.calls());
    }

    @Test
    void gatewayFailuresMapToTheSdksExceptions() {
        gateway.failWith(new GatewayException(
                ErrorKind.NOT_FOUND, "no route for model 'nope'", 0, null, null, false, List.of()));
        NotFoundException nf = assertThrows(
                NotFoundException.class, () -> client.chat().completions().create(hello().build()));
        assertEquals("model_not_found", nf.code().orElseThrow());
        assertTrue(nf.getMessage().contains("no route for model"), nf.getMessage());

        gateway.failWith(new GatewayException(
                ErrorKind.RATE_LIMITED, "slow down", 429, Duration.ofSeconds(3), null, true, List.of()));
        RateLimitException rl = assertThrows(
                RateLimitException.class, () -> client.chat().completions().create(hello().build()));
        assertEquals("3", rl.headers().values("retry-after").get(0));
        assertEquals("false", rl.headers().values("x-should-retry").get(0));

        gateway.failWith(
                new GatewayException(ErrorKind.UNAVAILABLE, "no healthy target", 0, null, null, true, List.of()));
        InternalServerException unavailable = assertThrows(
                InternalServerException.class, () -> client.chat().completions().create(hello().build()));
        assertEquals(503, unavailable.statusCode());

        gateway.failWith(new GatewayException(ErrorKind.OVERLOADED, "overloaded", 529, null, null, true, List.of()));
        assertEquals(
                503,
                assertThrows(
                                InternalServerException.class,
                                () -> client.chat().completions().create(hello().build()))
                        .statusCode());
        gateway.failWith(new GatewayException(ErrorKind.UPSTREAM, "bad gateway", 500, null, null, true, List.of()));
        assertEquals(
                502,
                assertThrows(
                                InternalServerException.class,
                                () -> client.chat().completions().create(hello().build()))
                        .statusCode());
        gateway.failWith(new GatewayException(ErrorKind.TIMEOUT, "too slow", 0, null, null, true, List.of()));
        assertEquals(
                504,
                assertThrows(
                                InternalServerException.class,
                                () -> client.chat().completions().create(hello().build()))
                        .statusCode());

        gateway.failWith(new LlmException(ErrorKind.AUTHENTICATION, "unknown key"));
        assertThrows(
                UnauthorizedException.class, () -> client.chat().completions().create(hello().build()));
        gateway.failWith(new LlmException(ErrorKind.PERMISSION, "not for you"));
        assertThrows(
                PermissionDeniedException.class,
                () -> client.chat().completions().create(hello().build()));
        gateway.failWith(new GatewayException(ErrorKind.CONTEXT_LENGTH, "too long", 400, null, null, true, null));
        BadRequestException cl = assertThrows(
                BadRequestException.class, () -> client.chat().completions().create(hello().build()));
        assertEquals("context_length_exceeded", cl.code().orElseThrow());

        gateway.failWith(new GatewayException(ErrorKind.RATE_LIMITED, "x", 429, null, null, true, null));
        assertThrows(
                RateLimitException.class,
                () -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("e")
                                .input("x")
                                .build()));
    }

    @Test
    void exhaustedFailuresAreNotRetriedByTheSdk() {
        gateway.failWith(new GatewayException(
                ErrorKind.RATE_LIMITED, "every target is rate limited", 429, null, null, true, List.of()));
        assertThrows(
                RateLimitException.class,
                () -> retryingClient.chat().completions().create(hello().build()));
        assertEquals(1, gateway.calls());

        gateway.reset();
        gateway.failWith(
                new GatewayException(ErrorKind.UNAVAILABLE, "no healthy target", 0, null, null, true, List.of()));
        assertThrows(
                InternalServerException.class,
                () -> retryingClient.chat().completions().create(hello().build()));
        assertEquals(1, gateway.calls());

        // the contrast: a failure the gateway did not exhaust is retried by the SDK as usual
        gateway.reset();
        gateway.failWith(
                new GatewayException(ErrorKind.OVERLOADED, "busy", 529, Duration.ZERO, null, false, List.of()));
        assertThrows(
                InternalServerException.class,
                () -> retryingClient.chat().completions().create(hello().build()));
        assertEquals(3, gateway.calls());
    }

    @Test
    void noGatewayMeans503() {
        // the gateway leaves: SCR clears the servlets' reference
        ingress.chat.gateway = null;
        ingress.models.gateway = null;
        try {
            InternalServerException e = assertThrows(
                    InternalServerException.class,
                    () -> client.chat().completions().create(hello().build()));
            assertEquals(503, e.statusCode());
            assertEquals("gateway_unavailable", e.code().orElseThrow());
            assertEquals(
                    503,
                    assertThrows(
                                    InternalServerException.class,
                                    () -> client.models().list())
                            .statusCode());
        } finally {
            ingress.chat.gateway = gateway;
            ingress.models.gateway = gateway;
        }
    }

    @Test
    void streamErrorBeforeAnyContentIsAnHttpError() {
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "gpt-4o"),
                new StreamEvent.Error(new GatewayException(
                        ErrorKind.RATE_LIMITED, "all targets limited", 429, null, null, true, null))));
        for (OpenAIClient c : List.of(client, blockingClient)) {
            RateLimitException e = assertThrows(RateLimitException.class, () -> {
                try (StreamResponse<ChatCompletionChunk> s =
                        c.chat().completions().createStreaming(hello().build())) {
                    s.stream().forEach(ch -> {});
                }
            });
            assertEquals("false", e.headers().values("x-should-retry").get(0));
        }
        gateway.failWith(new GatewayException(ErrorKind.NOT_FOUND, "no such model", 0, null, null, false, null));
        assertThrows(NotFoundException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> s =
                    client.chat().completions().createStreaming(hello().build())) {
                s.stream().forEach(ch -> {});
            }
        });
    }

    @Test
    void streamErrorAfterContentIsAnSseErrorEvent() {
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "gpt-4o"),
                new StreamEvent.TextDelta(0, "partial"),
                new StreamEvent.Error(new LlmException(ErrorKind.CONNECTION, "upstream connection reset"))));
        for (OpenAIClient c : List.of(client, blockingClient)) {
            List<String> seen = new ArrayList<>();
            OpenAIServiceException e = assertThrows(OpenAIServiceException.class, () -> {
                try (StreamResponse<ChatCompletionChunk> s =
                        c.chat().completions().createStreaming(hello().build())) {
                    s.stream()
                            .forEach(ch -> ch.choices()
                                    .forEach(x -> x.delta().content().ifPresent(seen::add)));
                }
            });
            assertTrue(seen.contains("partial"), seen.toString());
            assertTrue(e.getMessage().contains("upstream connection reset"), e.getMessage());
        }
    }
}
