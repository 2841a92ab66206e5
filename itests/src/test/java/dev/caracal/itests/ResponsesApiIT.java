package dev.caracal.itests;

import static dev.caracal.gateway.testkit.ResponsesSdk.ask;
import static dev.caracal.gateway.testkit.ResponsesSdk.functionCalls;
import static dev.caracal.gateway.testkit.ResponsesSdk.text;
import static dev.caracal.gateway.testkit.ResponsesSdk.toolOutput;
import static dev.caracal.gateway.testkit.ResponsesSdk.weatherTool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseDeleteParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.WebSearchTool;
import dev.caracal.gateway.testkit.ResponsesSdk;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.JournalEntry;
import dev.caracal.llm.testkit.MockUpstream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenAI's Responses API and legacy Completions on the real distribution ({@code bin/karaf server}), driven by the
 * official OpenAI Java SDK, in front of an OpenAI provider and an Anthropic one, each talking to its own mock upstream
 * (aimock): text, a function call round trip with its output, structured output, a stream, a conversation continued
 * by {@code previous_response_id} (the earlier turns reach the upstream), stored responses read and deleted, another
 * tenant's key refused with 404, and {@code /v1/completions} blocking and streamed.
 */
class ResponsesApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEATHER_ARGS = "{\"city\":\"Paris\"}";

    @TempDir
    static Path work;

    static MockUpstream openai;
    static MockUpstream anthropic;
    static KarafProcess karaf;
    static OpenAIClient client;
    static OpenAIClient otherTenant;

    static List<Fixture> fixtures(String who) {
        return List.of(
                Fixture.whenUserSays("json forecast").reply("{\"city\":\"Paris\",\"celsius\":18}"),
                Fixture.whenToolResult("call_weather_1").reply("It is 18 degrees in Paris."),
                Fixture.whenUserSays("weather").toolCall("call_weather_1", "get_weather", WEATHER_ARGS),
                Fixture.whenUserSays("what did I say").reply("You said hello, " + who + " here."),
                Fixture.whenUserSays("hello")
                        .reply("Hi from the " + who + " upstream")
                        .usage(12, 6),
                Fixture.whenUserSays("story")
                        .reply("Once upon a time there was a gateway that never dropped a request.")
                        .chunkSize(8)
                        .usage(5, 14),
                Fixture.whenUserSays("Name a wild cat")
                        .reply("a caracal")
                        .chunkSize(3)
                        .usage(6, 3));
    }

    @BeforeAll
    static void start() throws Exception {
        openai = MockUpstream.builder().fixtures(fixtures("openai")).start();
        anthropic = MockUpstream.builder().fixtures(fixtures("anthropic")).start();
        karaf = new KarafProcess(work);
        karaf.addBootFeatures("caracal-llm-openai", "caracal-llm-anthropic");
        karaf.writeEtc(
                "dev.caracal.llm.openai-primary.cfg",
                "id = primary\nbaseUrl = " + openai.openAiBaseUrl()
                        + "\napiKey = sk-primary\nmodels = gpt-4o-mini, gpt-3.5-turbo-instruct\nmaxRetries = 0\n");
        karaf.writeEtc(
                "dev.caracal.llm.anthropic-claude.cfg",
                "id = claude\nbaseUrl = " + anthropic.baseUrl()
                        + "\napiKey = sk-claude\nmodels = claude-3-5-haiku-latest\nmaxRetries = 0\n");
        // routes name each provider's model, whatever the upstreams list
        karaf.writeEtc("dev.caracal.gateway.route-gpt.cfg", "name = gpt\ntargets = primary/gpt-4o-mini\n");
        karaf.writeEtc(
                "dev.caracal.gateway.route-claude.cfg", "name = claude\ntargets = claude/claude-3-5-haiku-latest\n");
        karaf.writeEtc(
                "dev.caracal.gateway.route-instruct.cfg",
                "name = instruct\ntargets = primary/gpt-3.5-turbo-instruct\n");
        karaf.start();
        karaf.awaitModel("gpt");
        karaf.awaitModel("claude");
        karaf.awaitModel("instruct");
        client = openai(CaracalTestSupport.ADMIN_KEY);
        otherTenant = openai(otherTenantKey());
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (otherTenant != null) {
            otherTenant.close();
        }
        KarafProcess.closeAll(karaf, openai, anthropic);
    }

    private static OpenAIClient openai(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + karaf.httpPort + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .responseValidation(true)
                .build();
    }

    /** A writer key of a tenant of its own. */
    private static String otherTenantKey() throws Exception {
        var tenant = karaf.send("POST", "/api/v1/tenants", "{\"name\":\"globex\"}");
        assertEquals(201, tenant.statusCode(), tenant.body());
        var key = karaf.send(
                "POST", "/api/v1/keys", "{\"name\":\"globex-app\",\"tenant\":\"globex\",\"role\":\"writer\"}");
        assertEquals(201, key.statusCode(), key.body());
        return JSON.readTree(key.body()).get("key").asText();
    }

    /** The body of the last request {@code upstream} received on a path containing {@code path}. */
    private static JsonNode lastBody(MockUpstream upstream, String path) {
        List<JournalEntry> entries = upstream.journal(path);
        return entries.get(entries.size() - 1).body();
    }

    @Test
    void textOverEveryProviderStoredReadAndDeletedForItsTenantOnly() {
        Response fromOpenAi = client.responses()
                .create(ask("gpt", "hello there").instructions("Be brief.").build());
        assertEquals("Hi from the openai upstream", text(fromOpenAi));
        assertEquals(12, fromOpenAi.usage().orElseThrow().inputTokens());
        JsonNode sent = lastBody(openai, "/chat/completions");
        assertEquals("system", sent.path("messages").get(0).path("role").asText());
        assertEquals("Be brief.", sent.path("messages").get(0).path("content").asText());

        Response fromClaude =
                client.responses().create(ask("claude", "hello there").build());
        assertEquals("Hi from the anthropic upstream", text(fromClaude));

        Response stored = client.responses().retrieve(fromOpenAi.id());
        assertEquals(ResponsesSdk.json(fromOpenAi), ResponsesSdk.json(stored));
        assertEquals(
                1, client.responses().inputItems().list(fromOpenAi.id()).data().size());

        // another tenant's key: 404 for every call, as if the id did not exist
        assertThrows(NotFoundException.class, () -> otherTenant.responses().retrieve(fromOpenAi.id()));
        assertThrows(
                NotFoundException.class,
                () -> otherTenant
                        .responses()
                        .delete(ResponseDeleteParams.builder()
                                .responseId(fromOpenAi.id())
                                .build()));
        assertThrows(
                NotFoundException.class,
                () -> otherTenant
                        .responses()
                        .create(ask("gpt", "what did I say")
                                .previousResponseId(fromOpenAi.id())
                                .build()));
        assertEquals("Hi from the openai upstream", text(client.responses().retrieve(fromOpenAi.id())));

        client.responses()
                .delete(ResponseDeleteParams.builder()
                        .responseId(fromOpenAi.id())
                        .build());
        assertThrows(NotFoundException.class, () -> client.responses().retrieve(fromOpenAi.id()));
    }

    @Test
    void previousResponseIdSendsTheEarlierTurnsUpstream() {
        Response first = client.responses().create(ask("gpt", "hello there").build());
        Response second = client.responses()
                .create(ask("gpt", "what did I say")
                        .previousResponseId(first.id())
                        .build());
        assertEquals("You said hello, openai here.", text(second));
        JsonNode messages = lastBody(openai, "/chat/completions").path("messages");
        assertEquals(3, messages.size(), messages.toString());
        assertEquals("hello there", messages.get(0).path("content").asText());
        assertEquals("assistant", messages.get(1).path("role").asText());
        assertEquals(
                "Hi from the openai upstream", messages.get(1).path("content").asText());
        assertEquals("what did I say", messages.get(2).path("content").asText());

        // the same conversation continued on Claude
        Response third = client.responses()
                .create(ask("claude", "what did I say")
                        .previousResponseId(second.id())
                        .build());
        assertEquals("You said hello, anthropic here.", text(third));
        assertEquals(5, lastBody(anthropic, "/v1/messages").path("messages").size());
    }

    @Test
    void aFunctionCallRoundTripWithItsOutput() {
        for (String model : List.of("gpt", "claude")) {
            Response call = client.responses()
                    .create(ask(model, "weather in Paris?")
                            .addTool(weatherTool())
                            .build());
            ResponseFunctionToolCall fc = functionCalls(call).get(0);
            assertEquals("call_weather_1", fc.callId());
            assertEquals("get_weather", fc.name());
            assertEquals(WEATHER_ARGS, fc.arguments());
            Response done = client.responses()
                    .create(ResponseCreateParams.builder()
                            .model(model)
                            .previousResponseId(call.id())
                            .inputOfResponse(List.of(toolOutput(fc.callId(), "18 degrees")))
                            .addTool(weatherTool())
                            .build());
            assertEquals("It is 18 degrees in Paris.", text(done), model);
        }
        JsonNode messages = lastBody(openai, "/chat/completions").path("messages");
        assertEquals(
                "call_weather_1",
                messages.get(1).path("tool_calls").get(0).path("id").asText());
        assertEquals("tool", messages.get(2).path("role").asText());
        assertEquals("18 degrees", messages.get(2).path("content").asText());
        assertTrue(lastBody(openai, "/chat/completions")
                .path("tools")
                .get(0)
                .path("function")
                .path("strict")
                .asBoolean());
    }

    @Test
    void structuredOutputReachesTheUpstreamAsItsResponseFormat() {
        Response r = client.responses()
                .create(ask("gpt", "json forecast")
                        .text(ResponseTextConfig.builder()
                                .format(ResponseFormatTextJsonSchemaConfig.builder()
                                        .name("forecast")
                                        .schema(ResponseFormatTextJsonSchemaConfig.Schema.builder()
                                                .putAdditionalProperty("type", JsonValue.from("object"))
                                                .putAdditionalProperty(
                                                        "properties",
                                                        JsonValue.from(Map.of(
                                                                "city", Map.of("type", "string"),
                                                                "celsius", Map.of("type", "number"))))
                                                .build())
                                        .strict(true)
                                        .build())
                                .build())
                        .build());
        assertEquals("{\"city\":\"Paris\",\"celsius\":18}", text(r));
        JsonNode format = lastBody(openai, "/chat/completions").path("response_format");
        assertEquals("json_schema", format.path("type").asText());
        assertEquals("forecast", format.path("json_schema").path("name").asText());
        assertTrue(format.path("json_schema").path("strict").asBoolean());
    }

    @Test
    void aStreamOfResponsesEventsEndsStoredAndRefusalsNameTheField() {
        ResponsesSdk.Streamed s =
                ResponsesSdk.stream(client, ask("gpt", "tell me a story").build());
        List<String> types = s.types();
        assertEquals("response.created", types.get(0));
        assertEquals("response.in_progress", types.get(1));
        assertEquals("response.completed", types.get(types.size() - 1));
        assertTrue(types.stream().filter("response.output_text.delta"::equals).count() > 1, types.toString());
        Response done = s.last();
        assertEquals("Once upon a time there was a gateway that never dropped a request.", text(done));
        assertEquals(14, done.usage().orElseThrow().outputTokens());
        assertEquals(
                ResponsesSdk.json(done), ResponsesSdk.json(client.responses().retrieve(done.id())));

        BadRequestException builtIn = assertThrows(
                BadRequestException.class,
                () -> client.responses()
                        .create(ask("gpt", "hello")
                                .addTool(WebSearchTool.builder()
                                        .type(WebSearchTool.Type.WEB_SEARCH)
                                        .build())
                                .build()));
        assertEquals("tools[0].type", builtIn.param().orElseThrow());
    }

    @Test
    void legacyCompletionsBlockingAndStreamed() {
        Completion c = client.completions()
                .create(CompletionCreateParams.builder()
                        .model("instruct")
                        .prompt("Name a wild cat")
                        .maxTokens(10L)
                        .build());
        assertEquals("a caracal", c.choices().get(0).text());
        assertEquals(6, c.usage().orElseThrow().promptTokens());
        assertEquals(
                "Name a wild cat",
                lastBody(openai, "/chat/completions")
                        .path("messages")
                        .get(0)
                        .path("content")
                        .asText());

        // chunks say finish_reason null until the last, as OpenAI's do: read without the SDK's validation
        OpenAIClient lenient = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + karaf.httpPort + "/v1")
                .apiKey(CaracalTestSupport.ADMIN_KEY)
                .maxRetries(0)
                .build();
        try {
            StringBuilder text = new StringBuilder();
            try (var stream = lenient.completions()
                    .createStreaming(CompletionCreateParams.builder()
                            .model("claude")
                            .prompt("Name a wild cat")
                            .build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> text.append(ch.text())));
            }
            assertEquals("a caracal", text.toString());
        } finally {
            lenient.close();
        }
    }
}
