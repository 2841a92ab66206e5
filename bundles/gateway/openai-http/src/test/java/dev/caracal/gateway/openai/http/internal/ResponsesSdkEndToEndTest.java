package dev.caracal.gateway.openai.http.internal;

import static dev.caracal.gateway.testkit.ResponsesSdk.ask;
import static dev.caracal.gateway.testkit.ResponsesSdk.functionCalls;
import static dev.caracal.gateway.testkit.ResponsesSdk.text;
import static dev.caracal.gateway.testkit.ResponsesSdk.toolOutput;
import static dev.caracal.gateway.testkit.ResponsesSdk.weatherTool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.models.Reasoning;
import com.openai.models.ReasoningEffort;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseDeleteParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ToolChoiceOptions;
import com.openai.models.responses.WebSearchTool;
import dev.caracal.gateway.testkit.ResponsesSdk;
import dev.caracal.gateway.testkit.ResponsesSdk.Streamed;
import dev.caracal.gateway.testkit.ScriptedGateway;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.ResponseFormat;
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.ToolChoice;
import dev.caracal.llm.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Java SDK's {@code responses()} and {@code completions()} as black-box clients of the servlets,
 * hosted in Jetty in front of a scripted gateway, with a real H2 store. Response validation is on, so every object
 * must match OpenAI's schema as the SDK knows it. Every call runs on the async context and on the one whose filter
 * has no async support.
 */
class ResponsesSdkEndToEndTest {
    static final String KEY = "sk-test-0123456789";

    @TempDir
    static Path data;

    static ResponsesIngress ingress;
    static ScriptedGateway gateway;
    static OpenAIClient client;
    static OpenAIClient blockingClient;
    static OpenAIClient otherTenant;

    @BeforeAll
    static void start() throws Exception {
        ingress = new ResponsesIngress(data, 1_000_000);
        gateway = ingress.gateway();
        client = client(ingress.baseUrl(), "default");
        blockingClient = client(ingress.blockingBaseUrl(), "default");
        otherTenant = client(ingress.baseUrl(), "other");
    }

    static OpenAIClient client(String url, String tenant) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(url)
                .apiKey(KEY)
                .maxRetries(0)
                .responseValidation(true)
                .putHeader(ResponsesIngress.TENANT_HEADER, tenant)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        blockingClient.close();
        otherTenant.close();
        ingress.close();
    }

    @BeforeEach
    void reset() {
        gateway.reset();
    }

    static List<OpenAIClient> clients() {
        return List.of(client, blockingClient);
    }

    @Test
    void aTextResponseIsStoredRetrievedAndDeleted() {
        gateway.answerWith(r -> ScriptedGateway.reply("gpt-4o-2024-08-06", "Hi there!"));
        for (OpenAIClient c : clients()) {
            Response r = c.responses()
                    .create(ask("gpt-4o", "Hello")
                            .instructions("Be brief.")
                            .temperature(0.5)
                            .topP(0.8)
                            .maxOutputTokens(50L)
                            .user("alice")
                            .metadata(com.openai.core.JsonValue.from(Map.of("app", "test")))
                            .build());
            assertTrue(r.id().startsWith("resp_"), r.id());
            assertEquals("Hi there!", text(r));
            assertEquals("\"gpt-4o-2024-08-06\"", ResponsesSdk.json(r.model()));
            assertEquals(ResponseStatus.COMPLETED, r.status().orElseThrow());
            var usage = r.usage().orElseThrow();
            assertEquals(11, usage.inputTokens());
            assertEquals(3, usage.outputTokens());
            assertEquals(14, usage.totalTokens());
            assertEquals(2, usage.inputTokensDetails().cachedTokens());
            assertEquals(0, usage.outputTokensDetails().reasoningTokens());
            assertEquals("\"Be brief.\"", ResponsesSdk.json(r.instructions().orElseThrow()));

            ChatRequest sent = gateway.lastRequest();
            assertEquals("gpt-4o", sent.model());
            assertEquals("Be brief.", sent.system());
            assertEquals(List.of(Message.user("Hello")), sent.messages());
            assertEquals(new SamplingParameters(0.5, 0.8, null, 50, null, null, null), sent.sampling());
            assertEquals("alice", sent.metadata().get("user"));
            assertEquals("test", sent.metadata().get("app"));
            assertEquals(r.id(), gateway.lastContext().requestId());

            Response again = c.responses().retrieve(r.id());
            assertEquals(r.id(), again.id());
            assertEquals("Hi there!", text(again));
            // the other tenant does not see it, whatever it asks
            assertThrows(NotFoundException.class, () -> otherTenant.responses().retrieve(r.id()));
            assertThrows(
                    NotFoundException.class,
                    () -> otherTenant
                            .responses()
                            .delete(ResponseDeleteParams.builder()
                                    .responseId(r.id())
                                    .build()));
            NotFoundException continued = assertThrows(
                    NotFoundException.class,
                    () -> otherTenant
                            .responses()
                            .create(ask("gpt-4o", "And?")
                                    .previousResponseId(r.id())
                                    .build()));
            assertTrue(continued.getMessage().contains(r.id()), continued.getMessage());

            c.responses()
                    .delete(ResponseDeleteParams.builder().responseId(r.id()).build());
            assertThrows(NotFoundException.class, () -> c.responses().retrieve(r.id()));
        }
    }

    @Test
    void previousResponseIdContinuesTheConversation() {
        gateway.answerWith(
                r -> ScriptedGateway.reply("gpt-4o", "Answer " + r.messages().size()));
        Response first = client.responses()
                .create(ask("gpt-4o", "First question")
                        .instructions("Old rules.")
                        .build());
        Response second = blockingClient
                .responses()
                .create(ask("gpt-4o", "Second question")
                        .previousResponseId(first.id())
                        .instructions("New rules.")
                        .build());
        assertEquals("Answer 3", text(second));
        ChatRequest sent = gateway.lastRequest();
        assertEquals("New rules.", sent.system(), "the instructions of a continued response are not carried over");
        assertEquals(
                List.of(Message.user("First question"), Message.assistant("Answer 1"), Message.user("Second question")),
                sent.messages());
        assertEquals(first.id(), second.previousResponseId().orElseThrow());

        var items = client.responses().inputItems().list(second.id());
        assertEquals(3, items.data().size());
        assertFalse(items.hasMore().orElseThrow());
        // newest first, as OpenAI lists them
        assertTrue(
                items.data().get(0).isResponseInputMessageItem(),
                items.data().get(0).toString());
    }

    @Test
    void aFunctionCallRoundTripWithItsOutput() {
        gateway.answerWith(r -> new ChatResponse(
                "up",
                "gpt-4o",
                List.of(
                        new ContentPart.Text("Let me look."),
                        new ContentPart.ToolUse("call_abc", "get_weather", "{\"city\":\"Paris\"}")),
                StopReason.TOOL_USE,
                new Usage(20, 10, 0, 0)));
        Response call = client.responses()
                .create(ask("gpt-4o", "Weather in Paris?")
                        .addTool(weatherTool())
                        .toolChoice(ToolChoiceOptions.REQUIRED)
                        .parallelToolCalls(false)
                        .build());
        ChatRequest sent = gateway.lastRequest();
        assertEquals("get_weather", sent.tools().get(0).name());
        assertEquals(Boolean.TRUE, sent.tools().get(0).strict());
        assertTrue(sent.tools().get(0).inputSchemaJson().contains("\"required\":[\"city\"]"));
        assertEquals(ToolChoice.REQUIRED.withParallel(false), sent.toolChoice());
        assertEquals("Let me look.", text(call));
        ResponseFunctionToolCall fc = functionCalls(call).get(0);
        assertEquals("call_abc", fc.callId());
        assertEquals("get_weather", fc.name());
        assertEquals("{\"city\":\"Paris\"}", fc.arguments());
        assertTrue(fc.id().orElseThrow().startsWith("fc_"));

        gateway.answerWith(r -> ScriptedGateway.reply("gpt-4o", "It is 18 degrees."));
        Response done = client.responses()
                .create(com.openai.models.responses.ResponseCreateParams.builder()
                        .model("gpt-4o")
                        .previousResponseId(call.id())
                        .inputOfResponse(List.of(toolOutput("call_abc", "18 degrees")))
                        .addTool(weatherTool())
                        .build());
        assertEquals("It is 18 degrees.", text(done));
        List<Message> messages = gateway.lastRequest().messages();
        assertEquals(3, messages.size());
        assertEquals(
                new Message(
                        Role.ASSISTANT,
                        List.of(
                                new ContentPart.Text("Let me look."),
                                new ContentPart.ToolUse("call_abc", "get_weather", "{\"city\":\"Paris\"}"))),
                messages.get(1));
        assertEquals(
                new Message(
                        Role.TOOL,
                        List.of(new ContentPart.ToolResult(
                                "call_abc", List.of(new ContentPart.Text("18 degrees")), false))),
                messages.get(2));

        // the same round trip without storing: the client sends the call back itself
        Response unstored = client.responses()
                .create(com.openai.models.responses.ResponseCreateParams.builder()
                        .model("gpt-4o")
                        .store(false)
                        .inputOfResponse(List.of(
                                ResponseInputItem.ofEasyInputMessage(
                                        com.openai.models.responses.EasyInputMessage.builder()
                                                .role(com.openai.models.responses.EasyInputMessage.Role.USER)
                                                .content("Weather in Paris?")
                                                .build()),
                                ResponseInputItem.ofFunctionCall(fc),
                                toolOutput("call_abc", "18 degrees")))
                        .build());
        assertEquals(
                List.of(
                        messages.get(0),
                        new Message(
                                Role.ASSISTANT,
                                List.of(new ContentPart.ToolUse("call_abc", "get_weather", "{\"city\":\"Paris\"}"))),
                        messages.get(2)),
                gateway.lastRequest().messages());
        assertThrows(NotFoundException.class, () -> client.responses().retrieve(unstored.id()));
    }

    @Test
    void structuredOutputsAndReasoningEffortReachTheGateway() {
        gateway.answerWith(r -> ScriptedGateway.reply("gpt-4o", "{\"celsius\":18}"));
        Response r = client.responses()
                .create(ask("gpt-4o", "json forecast")
                        .text(ResponseTextConfig.builder()
                                .format(ResponseFormatTextJsonSchemaConfig.builder()
                                        .name("forecast")
                                        .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                                                .putAdditionalProperty("type", JsonValue.from("object"))
                                                .putAdditionalProperty(
                                                        "properties",
                                                        JsonValue.from(Map.of("celsius", Map.of("type", "number"))))
                                                .build())
                                        .strict(true)
                                        .build())
                                .build())
                        .reasoning(
                                Reasoning.builder().effort(ReasoningEffort.LOW).build())
                        .build());
        assertEquals("{\"celsius\":18}", text(r));
        ChatRequest sent = gateway.lastRequest();
        ResponseFormat format = sent.responseFormat();
        assertEquals(ResponseFormat.Type.JSON_SCHEMA, format.type());
        assertEquals("forecast", format.name());
        assertEquals(Boolean.TRUE, format.strict());
        assertTrue(format.schemaJson().contains("\"celsius\""), format.schemaJson());
        assertEquals(dev.caracal.llm.Reasoning.effort(dev.caracal.llm.Reasoning.Effort.LOW), sent.reasoning());
        assertEquals(
                "forecast",
                r.text().orElseThrow().format().orElseThrow().asJsonSchema().name());
    }

    @Test
    void aStreamSendsTheEventsInOrderAndStoresTheResponse() {
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "gpt-4o-mini"),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.TextDelta(0, "lo"),
                new StreamEvent.ToolCallDelta(1, "call_1", "get_weather", "{\"city\":"),
                new StreamEvent.ToolCallDelta(1, null, null, "\"Paris\"}"),
                new StreamEvent.UsageUpdate(new Usage(9, 4, 0, 0)),
                new StreamEvent.End(StopReason.TOOL_USE)));
        for (OpenAIClient c : clients()) {
            Streamed s = ResponsesSdk.stream(
                    c, ask("gpt-4o", "Hello").addTool(weatherTool()).build());
            assertEquals(
                    List.of(
                            "response.created",
                            "response.in_progress",
                            "response.output_item.added",
                            "response.content_part.added",
                            "response.output_text.delta",
                            "response.output_text.delta",
                            "response.output_text.done",
                            "response.content_part.done",
                            "response.output_item.done",
                            "response.output_item.added",
                            "response.function_call_arguments.delta",
                            "response.function_call_arguments.delta",
                            "response.function_call_arguments.done",
                            "response.output_item.done",
                            "response.completed"),
                    s.types());
            for (int i = 0; i < s.json().size(); i++) {
                assertEquals(i, s.json().get(i).path("sequence_number").asInt(), "sequence numbers count from 0");
            }
            Response done = s.last();
            assertEquals("Hello", text(done));
            assertEquals("{\"city\":\"Paris\"}", functionCalls(done).get(0).arguments());
            assertEquals(9, done.usage().orElseThrow().inputTokens());
            assertEquals("\"gpt-4o-mini\"", ResponsesSdk.json(done.model()));
            assertTrue(gateway.lastRequest().stream());
            Response stored = c.responses().retrieve(done.id());
            assertEquals(ResponsesSdk.json(done), ResponsesSdk.json(stored));
        }
    }

    @Test
    void aStreamFailingBeforeContentIsAnHttpErrorAndAfterItAResponseFailedEvent() {
        gateway.streamEvents(List.of(new StreamEvent.Error(new LlmException(ErrorKind.RATE_LIMITED, "slow down"))));
        for (OpenAIClient c : clients()) {
            assertThrows(
                    RateLimitException.class,
                    () -> ResponsesSdk.stream(c, ask("gpt-4o", "Hello").build()));
        }
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "gpt-4o"),
                new StreamEvent.TextDelta(0, "Hel"),
                new StreamEvent.Error(new LlmException(ErrorKind.UPSTREAM, "the upstream broke"))));
        for (OpenAIClient c : clients()) {
            Streamed s = ResponsesSdk.stream(c, ask("gpt-4o", "Hello").build());
            assertEquals("response.failed", s.types().get(s.types().size() - 1));
            Response failed = s.last();
            assertEquals(ResponseStatus.FAILED, failed.status().orElseThrow());
            assertTrue(failed.error().orElseThrow().message().contains("the upstream broke"));
            assertThrows(
                    NotFoundException.class,
                    () -> c.responses().retrieve(failed.id()),
                    "a failed stream is not stored");
        }
    }

    @Test
    void whatCannotBeHonouredIsRefusedByName() {
        gateway.answerWith(r -> ScriptedGateway.reply("gpt-4o", "never"));
        BadRequestException webSearch = assertThrows(
                BadRequestException.class,
                () -> client.responses()
                        .create(ask("gpt-4o", "Hello")
                                .addTool(WebSearchTool.builder()
                                        .type(WebSearchTool.Type.WEB_SEARCH)
                                        .build())
                                .build()));
        assertEquals("tools[0].type", webSearch.param().orElseThrow());
        BadRequestException background = assertThrows(
                BadRequestException.class,
                () -> client.responses()
                        .create(ask("gpt-4o", "Hello").background(true).build()));
        assertEquals("background", background.param().orElseThrow());
        BadRequestException conversation = assertThrows(
                BadRequestException.class,
                () -> client.responses()
                        .create(ask("gpt-4o", "Hello").conversation("conv_1").build()));
        assertEquals("conversation", conversation.param().orElseThrow());
        BadRequestException unknown = assertThrows(
                BadRequestException.class,
                () -> client.responses()
                        .create(ask("gpt-4o", "Hello")
                                .putAdditionalBodyProperty("future_field", JsonValue.from(1))
                                .build()));
        assertEquals("future_field", unknown.param().orElseThrow());
        assertEquals(0, gateway.calls(), "nothing refused reached the gateway");
    }

    @Test
    void theGatewaysHeadersAndTheRequestIdGoOutOnAnswersStreamsAndRefusals() {
        gateway.setResponseHeaders(Map.of("x-caracal-provider", "primary", "x-ratelimit-remaining-tokens", "99"));
        gateway.answerWith(r -> ScriptedGateway.reply("gpt-4o", "Hi"));
        gateway.streamEvents(List.of(new StreamEvent.TextDelta(0, "Hi"), new StreamEvent.End(StopReason.END_TURN)));
        for (OpenAIClient c : clients()) {
            var answered = c.responses()
                    .withRawResponse()
                    .create(ask("gpt-4o", "Hello").build());
            Response r = answered.parse();
            assertEquals(List.of(r.id()), answered.headers().values("x-request-id"));
            assertEquals(List.of("primary"), answered.headers().values("x-caracal-provider"));
            assertEquals(List.of("99"), answered.headers().values("x-ratelimit-remaining-tokens"));
            try (var streamed = c.responses()
                    .withRawResponse()
                    .createStreaming(ask("gpt-4o", "Hello").build())) {
                assertEquals(List.of("primary"), streamed.headers().values("x-caracal-provider"));
                assertTrue(streamed.headers().values("x-request-id").get(0).startsWith("resp_"));
            }
            var completion = c.completions()
                    .withRawResponse()
                    .create(CompletionCreateParams.builder()
                            .model("m")
                            .prompt("x")
                            .build());
            assertEquals(List.of("primary"), completion.headers().values("x-caracal-provider"));
            assertEquals(List.of(completion.parse().id()), completion.headers().values("x-request-id"));
        }
        gateway.failWith(new LlmException(ErrorKind.RATE_LIMITED, "tokens per minute reached"));
        for (OpenAIClient c : clients()) {
            RateLimitException refused = assertThrows(
                    RateLimitException.class,
                    () -> c.responses().create(ask("gpt-4o", "Hello").build()));
            assertEquals(List.of("99"), refused.headers().values("x-ratelimit-remaining-tokens"));
            assertEquals(1, refused.headers().values("x-request-id").size());
        }
    }

    @Test
    void legacyCompletionsBlockingAndStreamed() {
        gateway.answerWith(r -> ScriptedGateway.reply("gpt-3.5-turbo-instruct", "a caracal"));
        for (OpenAIClient c : clients()) {
            Completion done = c.completions()
                    .create(CompletionCreateParams.builder()
                            .model("gpt-3.5-turbo-instruct")
                            .prompt("Name a wild cat:")
                            .maxTokens(5L)
                            .temperature(0.0)
                            .stop("\n")
                            .build());
            assertTrue(done.id().startsWith("cmpl-"), done.id());
            assertEquals("a caracal", done.choices().get(0).text());
            assertEquals(
                    com.openai.models.completions.CompletionChoice.FinishReason.STOP,
                    done.choices().get(0).finishReason());
            assertEquals(11, done.usage().orElseThrow().promptTokens());
            ChatRequest sent = gateway.lastRequest();
            assertEquals(List.of(Message.user("Name a wild cat:")), sent.messages());
            assertEquals(List.of("\n"), sent.stop());
            assertEquals(5, sent.sampling().maxTokens());
            assertNull(sent.system());
        }
        gateway.streamEvents(List.of(
                new StreamEvent.Start("up", "gpt-3.5-turbo-instruct"),
                new StreamEvent.TextDelta(0, "a "),
                new StreamEvent.TextDelta(0, "caracal"),
                new StreamEvent.UsageUpdate(new Usage(4, 2, 0, 0)),
                new StreamEvent.End(StopReason.MAX_TOKENS)));
        // chunks carry finish_reason null until the last, as OpenAI's do; the SDK's validation wants it on every
        // chunk of this legacy type, so the streams are read without it
        for (String url : List.of(ingress.baseUrl(), ingress.blockingBaseUrl())) {
            OpenAIClient c = OpenAIOkHttpClient.builder()
                    .baseUrl(url)
                    .apiKey(KEY)
                    .maxRetries(0)
                    .build();
            StringBuilder text = new StringBuilder();
            List<Completion> chunks = new java.util.ArrayList<>();
            try (var stream = c.completions()
                    .createStreaming(CompletionCreateParams.builder()
                            .model("gpt-3.5-turbo-instruct")
                            .prompt("Name a wild cat:")
                            .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
                                    .includeUsage(true)
                                    .build())
                            .build())) {
                stream.stream().forEach(chunk -> {
                    chunks.add(chunk);
                    chunk.choices().forEach(ch -> text.append(ch.text()));
                });
            }
            assertEquals("a caracal", text.toString());
            Completion last = chunks.get(chunks.size() - 1);
            assertTrue(last.choices().isEmpty());
            assertEquals(2, last.usage().orElseThrow().completionTokens());
            assertEquals(
                    com.openai.models.completions.CompletionChoice.FinishReason.LENGTH,
                    chunks.get(chunks.size() - 2).choices().get(0).finishReason());
            c.close();
        }
        BadRequestException several = assertThrows(
                BadRequestException.class,
                () -> client.completions()
                        .create(CompletionCreateParams.builder()
                                .model("m")
                                .promptOfArrayOfStrings(List.of("one", "two"))
                                .build()));
        assertEquals("prompt", several.param().orElseThrow());
        BadRequestException echo = assertThrows(
                BadRequestException.class,
                () -> client.completions()
                        .create(CompletionCreateParams.builder()
                                .model("m")
                                .prompt("x")
                                .echo(true)
                                .build()));
        assertEquals("echo", echo.param().orElseThrow());
    }
}
