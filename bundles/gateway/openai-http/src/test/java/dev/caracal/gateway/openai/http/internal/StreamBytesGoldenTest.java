package dev.caracal.gateway.openai.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.gateway.testkit.JettyHarness;
import dev.caracal.gateway.testkit.ScriptedGateway;
import dev.caracal.llm.StreamEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes a client receives for streamed answers, exactly: for a varied set of the gateway's event streams (text
 * with escapes, unicode and lone surrogates, long text, thinking, tool calls split across chunks, usage, an upstream's
 * unmodeled members at every place a pointer can name, failures), as Chat Completions chunks with and without the
 * usage chunk, as legacy Completions chunks, and for some as Responses events. The expected bytes
 * ({@code golden/stream-bytes.txt}) were recorded from the tree-based encoders, so that a rewrite (issue 15: a
 * streaming generator instead of a tree per chunk) is held to the same output byte for byte. Only the request id
 * and the times, which vary between calls, are replaced. On a difference the actual text is written to
 * {@code target/golden/stream-bytes.txt} to diff against.
 */
class StreamBytesGoldenTest {
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path data;

    static OpenAiIngress chat;
    static ResponsesIngress others;

    @BeforeAll
    static void start() throws Exception {
        chat = new OpenAiIngress(1 << 20);
        others = new ResponsesIngress(data, 1_000_000);
    }

    @AfterAll
    static void stop() throws Exception {
        chat.close();
        others.close();
    }

    @Test
    void streamsAreWrittenAsRecorded() throws Exception {
        StringBuilder actual = new StringBuilder();
        for (Map.Entry<String, List<StreamEvent>> c : GoldenStreams.cases().entrySet()) {
            for (boolean usage : new boolean[] {false, true}) {
                String body = "{\"model\":\"m\",\"stream\":true,"
                        + (usage ? "\"stream_options\":{\"include_usage\":true}," : "")
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
                String async =
                        record(actual, c, "chat", usage, chat.gateway(), chat.jetty(), "/v1/chat/completions", body);
                StringBuilder blocking = new StringBuilder();
                record(
                        blocking,
                        c,
                        "chat",
                        usage,
                        chat.gateway(),
                        chat.jetty(),
                        JettyHarness.BLOCKING + "/v1/chat/completions",
                        body);
                assertEquals(async, blocking.toString(), "the blocking context writes what the async one does");
                record(
                        actual,
                        c,
                        "legacy completions",
                        usage,
                        others.gateway(),
                        others.jetty(),
                        "/v1/completions",
                        body.replace("\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]", "\"prompt\":\"x\""));
            }
            if (GoldenStreams.RESPONSES.contains(c.getKey())) {
                record(
                        actual,
                        c,
                        "responses",
                        false,
                        others.gateway(),
                        others.jetty(),
                        "/v1/responses",
                        "{\"model\":\"m\",\"stream\":true,\"store\":false,\"input\":\"x\"}");
            }
        }
        String expected = resource("golden/stream-bytes.txt");
        if (!expected.contentEquals(actual)) {
            Path out = Path.of("target", "golden", "stream-bytes.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual);
        }
        assertEquals(expected, actual.toString(), "see target/golden/stream-bytes.txt");
    }

    /** Streams {@code c} through one endpoint and appends what the client got; returns that part. */
    private static String record(
            StringBuilder out,
            Map.Entry<String, List<StreamEvent>> c,
            String endpoint,
            boolean usage,
            ScriptedGateway gateway,
            JettyHarness jetty,
            String path,
            String body)
            throws IOException, InterruptedException {
        gateway.reset();
        gateway.streamEvents(c.getValue());
        HttpResponse<byte[]> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(jetty.url(path)))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer sk-golden")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertArrayEquals(r.body(), text.getBytes(StandardCharsets.UTF_8), "the body is well-formed UTF-8");
        String id = r.headers().firstValue("x-request-id").orElse("<none>");
        String normalized = text.replace(id, "<request id>")
                .replaceAll("\"created\":[0-9]+,", "\"created\":0,")
                .replaceAll("\"(created_at|completed_at)\":[0-9]+", "\"$1\":0")
                .replaceAll("(resp|msg|fc|rs)_[0-9a-f]{48}", "$1_<id>");
        String part = "### " + c.getKey() + " | " + endpoint + (usage ? " | usage" : "") + "\n" + r.statusCode() + " "
                + r.headers().firstValue("content-type").orElse("") + "\n" + normalized + "\n";
        out.append(part);
        return part;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StreamBytesGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
