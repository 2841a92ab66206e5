package dev.caracal.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Base64ImageSource;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.ImageBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.anthropic.models.messages.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caracal.gateway.testkit.AnthropicSdk;
import dev.caracal.gateway.testkit.OpenAiSdk;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anthropic prompt caching through the real distribution: the official Anthropic SDK sets {@code cacheControl} on a
 * system block, message blocks (text, image, tool result) and a tool, the OpenAI SDK sets {@code cache_control} on
 * content parts (the LiteLLM/OpenRouter convention), and each marker reaches the Anthropic upstream on the block it
 * was on; the prompt-cache writes and reads that upstream reports come back through both SDKs, blocking and
 * streamed. The upstream is a small recording server speaking the Messages API, since aimock journals Anthropic
 * requests in an OpenAI-like form without markers and reports no cache usage.
 */
class PromptCachingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "claude-sonnet-4-5";
    private static final long INPUT = 25;
    private static final long CACHE_WRITE = 1800;
    private static final long CACHE_READ = 3000;
    private static final long OUTPUT = 12;
    private static final String USAGE = "{\"input_tokens\":" + INPUT + ",\"cache_creation_input_tokens\":" + CACHE_WRITE
            + ",\"cache_read_input_tokens\":" + CACHE_READ + ",\"output_tokens\":";

    @TempDir
    static Path work;

    static RecordingAnthropic upstream;
    static KarafProcess karaf;

    @BeforeAll
    static void start() throws Exception {
        upstream = new RecordingAnthropic();
        karaf = new KarafProcess(work);
        karaf.addBootFeatures("caracal-llm-anthropic");
        karaf.writeEtc(
                "dev.caracal.llm.anthropic-cache.cfg",
                "id = cache\nbaseUrl = " + upstream.baseUrl() + "\napiKey = sk-cache\nmodels = " + MODEL
                        + "\nmaxRetries = 0\n");
        karaf.start();
        karaf.awaitModel(MODEL);
    }

    @AfterAll
    static void stop() throws Exception {
        KarafProcess.closeAll(karaf, upstream);
    }

    private static String base() {
        return "http://127.0.0.1:" + karaf.httpPort;
    }

    private static CacheControlEphemeral ephemeral() {
        return CacheControlEphemeral.builder().build();
    }

    /** A conversation with a marker on a system block, a user text, an image, a tool result and a tool. */
    private static MessageCreateParams markedConversation(String tag) {
        return MessageCreateParams.builder()
                .model(MODEL)
                .maxTokens(64)
                .systemOfTextBlockParams(List.of(
                        TextBlockParam.builder()
                                .text("You are the librarian of " + tag + ".")
                                .cacheControl(CacheControlEphemeral.builder()
                                        .ttl(CacheControlEphemeral.Ttl.TTL_1H)
                                        .build())
                                .build(),
                        TextBlockParam.builder().text("Be brief.").build()))
                .addUserMessageOfContentBlockParams(List.of(
                        ContentBlockParam.ofText(TextBlockParam.builder()
                                .text("The catalogue follows.")
                                .cacheControl(ephemeral())
                                .build()),
                        ContentBlockParam.ofImage(ImageBlockParam.builder()
                                .source(Base64ImageSource.builder()
                                        .mediaType(Base64ImageSource.MediaType.IMAGE_PNG)
                                        .data("iVBORw0KGgo=")
                                        .build())
                                .cacheControl(ephemeral())
                                .build()),
                        ContentBlockParam.ofText("Find Dune.")))
                .addAssistantMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolUse(ToolUseBlockParam.builder()
                        .id("toolu_1")
                        .name("lookup")
                        .input(ToolUseBlockParam.Input.builder()
                                .putAdditionalProperty("q", com.anthropic.core.JsonValue.from("Dune"))
                                .build())
                        .build())))
                .addUserMessageOfContentBlockParams(List.of(
                        ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                .toolUseId("toolu_1")
                                .content("shelf 4")
                                .cacheControl(ephemeral())
                                .build()),
                        ContentBlockParam.ofText("Which floor?")))
                .addTool(tool("lookup", null))
                .addTool(tool("shelve", ephemeral()))
                .build();
    }

    private static Tool tool(String name, CacheControlEphemeral marker) {
        Tool.Builder tool =
                Tool.builder().name(name).inputSchema(Tool.InputSchema.builder().build());
        if (marker != null) {
            tool.cacheControl(marker);
        }
        return tool.build();
    }

    private static AnthropicClient anthropic() {
        return AnthropicOkHttpClient.builder()
                .baseUrl(base())
                .apiKey(CaracalTestSupport.ADMIN_KEY)
                .maxRetries(0)
                .build();
    }

    private static OpenAIClient openai() {
        return OpenAIOkHttpClient.builder()
                .baseUrl(base() + "/v1")
                .apiKey(CaracalTestSupport.ADMIN_KEY)
                .maxRetries(0)
                .build();
    }

    private static void assertMarkersInPlace(JsonNode sent) throws Exception {
        JsonNode hour = JSON.readTree("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");
        JsonNode ephemeral = JSON.readTree("{\"type\":\"ephemeral\"}");
        assertEquals(hour, sent.at("/system/0/cache_control"), sent.toString());
        assertTrue(sent.at("/system/1/cache_control").isMissingNode(), sent.toString());
        assertEquals(ephemeral, sent.at("/messages/0/content/0/cache_control"), sent.toString());
        assertEquals("image", sent.at("/messages/0/content/1/type").asText(), sent.toString());
        assertEquals(ephemeral, sent.at("/messages/0/content/1/cache_control"), sent.toString());
        assertTrue(sent.at("/messages/0/content/2/cache_control").isMissingNode(), sent.toString());
        assertTrue(sent.at("/messages/1/content/0/cache_control").isMissingNode(), sent.toString());
        assertEquals("tool_result", sent.at("/messages/2/content/0/type").asText(), sent.toString());
        assertEquals(ephemeral, sent.at("/messages/2/content/0/cache_control"), sent.toString());
        assertTrue(sent.at("/messages/2/content/1/cache_control").isMissingNode(), sent.toString());
        assertTrue(sent.at("/tools/0/cache_control").isMissingNode(), sent.toString());
        assertEquals(ephemeral, sent.at("/tools/1/cache_control"), sent.toString());
    }

    private static void assertCacheUsage(Usage usage, long output) {
        assertEquals(INPUT, usage.inputTokens());
        assertEquals(CACHE_WRITE, usage.cacheCreationInputTokens().orElseThrow());
        assertEquals(CACHE_READ, usage.cacheReadInputTokens().orElseThrow());
        assertEquals(output, usage.outputTokens());
    }

    @Test
    void anthropicSdkMarkersReachTheUpstreamInPlaceAndItsCacheCountsComeBack() throws Exception {
        Message m = anthropic().messages().create(markedConversation("blocking"));
        assertEquals("Floor 2.", AnthropicSdk.text(m));
        assertCacheUsage(m.usage(), OUTPUT);
        assertMarkersInPlace(upstream.lastBodyWith("librarian of blocking"));
    }

    @Test
    void anthropicSdkStreamsTheCacheCountsInMessageStartAndAtTheEnd() throws Exception {
        AnthropicSdk.Streamed s = AnthropicSdk.stream(anthropic(), markedConversation("streaming"));
        assertEquals("Floor 2.", AnthropicSdk.text(s.message()));
        Usage atStart = s.events().get(0).messageStart().orElseThrow().message().usage();
        assertEquals(CACHE_WRITE, atStart.cacheCreationInputTokens().orElseThrow(), "message_start: " + atStart);
        assertEquals(CACHE_READ, atStart.cacheReadInputTokens().orElseThrow());
        assertEquals(INPUT, atStart.inputTokens());
        assertCacheUsage(s.message().usage(), OUTPUT);
        JsonNode sent = upstream.lastBodyWith("librarian of streaming");
        assertTrue(sent.path("stream").asBoolean(), sent.toString());
        assertMarkersInPlace(sent);
    }

    private static ChatCompletionContentPartText text(String text, boolean marked) {
        ChatCompletionContentPartText.Builder part =
                ChatCompletionContentPartText.builder().text(text);
        if (marked) {
            part.putAdditionalProperty("cache_control", JsonValue.from(Map.of("type", "ephemeral")));
        }
        return part.build();
    }

    private static ChatCompletionCreateParams.Builder openAiConversation(String tag) {
        return ChatCompletionCreateParams.builder()
                .model(MODEL)
                .maxCompletionTokens(64)
                .addSystemMessageOfArrayOfContentParts(
                        List.of(text("You are the librarian of " + tag + ".", true), text(" Be brief.", false)))
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(text("The catalogue follows.", true)),
                        ChatCompletionContentPart.ofText(text("Which floor is Dune on?", false))));
    }

    private static void assertOpenAiMarkersInPlace(JsonNode sent, String tag) throws Exception {
        JsonNode ephemeral = JSON.readTree("{\"type\":\"ephemeral\"}");
        assertEquals(
                "You are the librarian of " + tag + ".",
                sent.at("/system/0/text").asText(),
                sent.toString());
        assertEquals(ephemeral, sent.at("/system/0/cache_control"), sent.toString());
        assertEquals(" Be brief.", sent.at("/system/1/text").asText(), sent.toString());
        assertTrue(sent.at("/system/1/cache_control").isMissingNode(), sent.toString());
        assertEquals(ephemeral, sent.at("/messages/0/content/0/cache_control"), sent.toString());
        assertTrue(sent.at("/messages/0/content/1/cache_control").isMissingNode(), sent.toString());
    }

    private static void assertCachedTokens(CompletionUsage usage) {
        assertEquals(INPUT + CACHE_WRITE + CACHE_READ, usage.promptTokens(), usage.toString());
        assertEquals(
                CACHE_READ,
                usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow(),
                usage.toString());
        assertEquals(OUTPUT, usage.completionTokens());
    }

    @Test
    void openAiSdkContentPartMarkersReachAnthropicAndCachedTokensComeBack() throws Exception {
        ChatCompletion c = openai().chat()
                .completions()
                .create(openAiConversation("openai").build());
        assertEquals("Floor 2.", OpenAiSdk.content(c));
        assertCachedTokens(c.usage().orElseThrow());
        assertOpenAiMarkersInPlace(upstream.lastBodyWith("librarian of openai"), "openai");

        OpenAiSdk.Streamed s = OpenAiSdk.stream(
                openai(),
                openAiConversation("openai streaming")
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build());
        assertEquals("Floor 2.", OpenAiSdk.content(s.completion()));
        assertCachedTokens(s.completion().usage().orElseThrow());
        assertOpenAiMarkersInPlace(upstream.lastBodyWith("librarian of openai streaming"), "openai streaming");
    }

    /**
     * An Anthropic Messages API upstream that records each request body and answers "Floor 2." with the prompt-cache
     * usage above, as one message or as Anthropic's event stream.
     */
    static final class RecordingAnthropic implements AutoCloseable {
        private final HttpServer server;
        private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

        RecordingAnthropic() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext(
                    "/v1/models",
                    exchange -> answer(
                            exchange,
                            200,
                            "application/json",
                            "{\"data\":[{\"type\":\"model\",\"id\":\"" + MODEL + "\",\"display_name\":\"Claude\"}],"
                                    + "\"has_more\":false}"));
            server.createContext("/v1/messages", this::messages);
            server.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        JsonNode lastBodyWith(String text) {
            for (int i = bodies.size() - 1; i >= 0; i--) {
                if (bodies.get(i).toString().contains(text)) {
                    return bodies.get(i);
                }
            }
            throw new AssertionError("no request with " + text + " among " + bodies);
        }

        private void messages(HttpExchange exchange) throws IOException {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            bodies.add(body);
            if (!body.path("stream").asBoolean()) {
                answer(
                        exchange,
                        200,
                        "application/json",
                        "{\"id\":\"msg_up\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + MODEL
                                + "\",\"content\":[{\"type\":\"text\",\"text\":\"Floor 2.\"}],"
                                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":" + USAGE + OUTPUT
                                + "}}");
                return;
            }
            String sse = event(
                            "message_start",
                            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_up\",\"type\":\"message\","
                                    + "\"role\":\"assistant\",\"content\":[],\"model\":\"" + MODEL + "\","
                                    + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + USAGE + "1}}}")
                    + event(
                            "content_block_start",
                            "{\"type\":\"content_block_start\",\"index\":0,"
                                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                    + event(
                            "content_block_delta",
                            "{\"type\":\"content_block_delta\",\"index\":0,"
                                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Floor 2.\"}}")
                    + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                    + event(
                            "message_delta",
                            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                                    + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + OUTPUT + "}}")
                    + event("message_stop", "{\"type\":\"message_stop\"}");
            answer(exchange, 200, "text/event-stream", sse);
        }

        private static String event(String name, String data) {
            return "event: " + name + "\ndata: " + data + "\n\n";
        }

        private static void answer(HttpExchange exchange, int status, String type, String text) throws IOException {
            try (exchange) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", type);
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
