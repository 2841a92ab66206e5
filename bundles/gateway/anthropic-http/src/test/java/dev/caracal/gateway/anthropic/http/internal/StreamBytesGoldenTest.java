package dev.caracal.gateway.anthropic.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.gateway.testkit.JettyHarness;
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

/**
 * The bytes a client receives for streamed answers, exactly, for the gateway's event streams of
 * {@link GoldenStreams}, in both of the servlet's contexts (async, and blocking on the request thread), which must
 * write the same bytes. The expected bytes ({@code golden/stream-bytes.txt}) were recorded from the tree-based
 * encoder, so that a rewrite (issue 15: a streaming generator instead of a tree per event) is held to the same output
 * byte for byte. Only the ids that vary between calls (the request's and message's, and tool-use ids the ingress
 * makes up) are replaced. On a difference the actual text is written to {@code target/golden/stream-bytes.txt} to
 * diff against.
 */
class StreamBytesGoldenTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static AnthropicIngress ingress;

    @BeforeAll
    static void start() throws Exception {
        ingress = new AnthropicIngress(0);
    }

    @AfterAll
    static void stop() throws Exception {
        ingress.close();
    }

    @Test
    void streamsAreWrittenAsRecorded() throws Exception {
        StringBuilder actual = new StringBuilder();
        for (Map.Entry<String, List<StreamEvent>> c : GoldenStreams.cases().entrySet()) {
            String stops = GoldenStreams.ONE_STOP_SEQUENCE.contains(c.getKey())
                    ? "\"stop_sequences\":[\"###\"],"
                    : "\"stop_sequences\":[\"###\",\"END\"],";
            String body = "{\"model\":\"claude-requested\",\"max_tokens\":100,\"stream\":true," + stops
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
            String async = record(c, "/v1/messages", body);
            String blocking = record(c, JettyHarness.BLOCKING + "/v1/messages", body);
            assertEquals(async, blocking, "the blocking context writes what the async one does");
            actual.append("### ").append(c.getKey()).append('\n').append(async);
        }
        String expected = resource("golden/stream-bytes.txt");
        if (!expected.contentEquals(actual)) {
            Path out = Path.of("target", "golden", "stream-bytes.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, actual);
        }
        assertEquals(expected, actual.toString(), "see target/golden/stream-bytes.txt");
    }

    /** Streams {@code c} through one context and returns what the client got. */
    private static String record(Map.Entry<String, List<StreamEvent>> c, String path, String body)
            throws IOException, InterruptedException {
        ingress.gateway().reset();
        ingress.gateway().streamEvents(c.getValue());
        HttpResponse<byte[]> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(ingress.jetty().url(path)))
                        .header("Content-Type", "application/json")
                        .header("x-api-key", "sk-ant-golden")
                        .header("anthropic-version", "2023-06-01")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertArrayEquals(r.body(), text.getBytes(StandardCharsets.UTF_8), "the body is well-formed UTF-8");
        String normalized = text.replaceAll("(msg|req|toolu)_[0-9A-Za-z]{24}", "$1_<id>");
        return r.statusCode() + " " + r.headers().firstValue("content-type").orElse("") + "\n" + normalized + "\n";
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StreamBytesGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
