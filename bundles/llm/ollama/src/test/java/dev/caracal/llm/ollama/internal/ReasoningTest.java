package dev.caracal.llm.ollama.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.Role;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.JournalEntry;
import dev.caracal.llm.testkit.ProviderTests;
import dev.caracal.llm.testkit.ReasoningScenarios;
import dev.caracal.llm.testkit.StreamRecorder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Thinking: the {@code think} switch sent, the model's reasoning read from whole and streamed answers, and thinking
 * handed back in the history.
 *
 * <p>Two upstreams: aimock, which serves a fixture's reasoning as {@code reasoning_content} (the OpenAI name, not
 * Ollama's {@code thinking}) and keeps only role and content of each message in its journal; and a small recording
 * server that answers as Ollama does ({@code message.thinking}) and keeps the request bodies as sent, for the fields
 * aimock's journal drops ({@code think}, an assistant message's {@code thinking}).
 */
class ReasoningTest extends ReasoningScenarios<OllamaChatModel> {

    private static final String MODEL = "qwen3";
    private static final String REASONING = "The user asks for the answer to everything; the book says forty-two.";
    private static final String OLLAMA_THINKING = "Short wavelengths scatter most, so the sky looks blue.";

    private RecordingOllama ollama;
    private OllamaChatModel recorded;

    ReasoningTest() {
        super(OllamaUnderTest.PROVIDER);
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(Fixture.whenUserSays("and then").reply("Then nothing."));
    }

    @BeforeAll
    void startRecordingOllama() throws IOException {
        ollama = RecordingOllama.start();
        recorded = new OllamaChatModel(OllamaUnderTest.settings(ollama.baseUrl()));
    }

    @AfterAll
    void stopRecordingOllama() throws Exception {
        ProviderTests.closeAll(recorded, ollama);
    }

    @BeforeEach
    void clean() {
        upstream().clearJournal();
        ollama.bodies.clear();
    }

    private static ChatRequest ask(String text, boolean stream, Reasoning reasoning) {
        return ChatRequests.to(MODEL).user(text).stream(stream)
                .reasoning(reasoning)
                .build();
    }

    // ---- aimock (the shared scenarios: ReasoningScenarios) ----

    @Test
    void aHistoryWithThinkingIsAcceptedAndTheThinkingStaysOutOfTheContent() {
        Message assistant = new Message(
                Role.ASSISTANT,
                List.of(
                        new ContentPart.Thinking(REASONING, null),
                        new ContentPart.RedactedThinking("EnCrYpTeD"),
                        new ContentPart.Text("42.")));
        ChatResponse r = model().complete(ChatRequests.to(MODEL)
                .messages(Message.user("meaning of life?"), assistant, Message.user("and then?"))
                .build());
        assertEquals("Then nothing.", r.text());
        List<JournalEntry> chats = upstream().journal("/api/chat");
        JsonNode messages = chats.get(chats.size() - 1).body().path("messages");
        assertEquals("assistant", messages.get(1).path("role").asText());
        assertEquals("42.", messages.get(1).path("content").asText());
    }

    // ---- what is sent, and Ollama's own answer shape ----

    @Test
    void thinkOnTheWireFollowsTheReasoningOptions() {
        recorded.complete(ask("sky?", false, null));
        recorded.complete(ask("sky?", false, Reasoning.budget(10_000)));
        recorded.complete(ask("sky?", false, Reasoning.effort(Reasoning.Effort.MEDIUM)));
        recorded.complete(ask("sky?", false, Reasoning.effort(Reasoning.Effort.MINIMAL)));
        List<JsonNode> sent = List.copyOf(ollama.bodies);
        assertEquals(4, sent.size());
        assertFalse(sent.get(0).has("think"), "no reasoning asked: nothing sent: " + sent.get(0));
        assertEquals(Json.tryParse("true"), sent.get(1).get("think"), "a budget alone: " + sent.get(1));
        assertEquals("medium", sent.get(2).path("think").asText());
        assertTrue(sent.get(2).get("think").isTextual());
        assertEquals("low", sent.get(3).path("think").asText(), "MINIMAL as Ollama's smallest level");
    }

    @Test
    void ollamasThinkingFieldIsReadWhole() {
        ChatResponse r = recorded.complete(ask("sky?", false, Reasoning.budget(2_048)));
        assertEquals(
                List.of(new ContentPart.Thinking(OLLAMA_THINKING, null), new ContentPart.Text("Blue.")), r.content());
    }

    @Test
    void ollamasStreamedThinkingPiecesBecomeThinkingDeltas() throws Exception {
        StreamRecorder events = new StreamRecorder();
        recorded.stream(ask("sky?", true, Reasoning.effort(Reasoning.Effort.LOW)), events);
        events.await();
        assertEquals(OLLAMA_THINKING, events.thinking());
        assertTrue(events.of(StreamEvent.ThinkingDelta.class).size() > 1);
        assertEquals("Blue.", events.text());
        assertEquals(List.of(0, 1), events.blockOrder());
        assertEquals(new StreamEvent.End(StopReason.END_TURN), events.last());
        JsonNode sent = ollama.bodies.get(0);
        assertEquals("low", sent.path("think").asText());
        assertTrue(sent.path("stream").asBoolean());
    }

    @Test
    void theHistorysThinkingIsSentAsTheAssistantMessagesThinking() {
        Message assistant = new Message(
                Role.ASSISTANT,
                List.of(
                        new ContentPart.Thinking(OLLAMA_THINKING, null),
                        new ContentPart.RedactedThinking("EnCrYpTeD"),
                        new ContentPart.Text("Blue.")));
        recorded.complete(ChatRequests.to(MODEL)
                .messages(Message.user("sky?"), assistant, Message.user("and at night?"))
                .reasoning(Reasoning.budget(2_048))
                .build());
        JsonNode messages = ollama.bodies.get(0).path("messages");
        assertEquals(
                Json.tryParse(
                        "{\"role\":\"assistant\",\"content\":\"Blue.\",\"thinking\":\"" + OLLAMA_THINKING + "\"}"),
                messages.get(1));
        assertFalse(Json.write(ollama.bodies.get(0)).contains("EnCrYpTeD"), "redacted thinking is not sent");
    }

    /**
     * A stand-in for an Ollama server: answers every {@code /api/chat} with {@link #OLLAMA_THINKING} in Ollama's
     * {@code message.thinking} field and the text {@code Blue.}, whole or as NDJSON lines as asked, and keeps the
     * request bodies.
     */
    static final class RecordingOllama implements AutoCloseable {
        final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        private RecordingOllama(HttpServer server) {
            this.server = server;
        }

        static RecordingOllama start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            RecordingOllama ollama = new RecordingOllama(server);
            server.createContext(OllamaChatModel.CHAT_PATH, ollama::answer);
            server.start();
            return ollama;
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void answer(HttpExchange exchange) throws IOException {
            try (exchange) {
                JsonNode body =
                        Json.tryParse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                bodies.add(body);
                String done = "\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":12,\"eval_count\":30}";
                StringBuilder out = new StringBuilder();
                String type;
                if (body.path("stream").asBoolean(true)) {
                    type = "application/x-ndjson";
                    for (int i = 0; i < OLLAMA_THINKING.length(); i += 10) {
                        String piece = OLLAMA_THINKING.substring(i, Math.min(i + 10, OLLAMA_THINKING.length()));
                        out.append(line("\"content\":\"\",\"thinking\":\"" + piece + "\"", "\"done\":false}"));
                    }
                    out.append(line("\"content\":\"Blue.\"", "\"done\":false}"));
                    out.append(line("\"content\":\"\"", done));
                } else {
                    type = "application/json";
                    out.append(line("\"content\":\"Blue.\",\"thinking\":\"" + OLLAMA_THINKING + "\"", done));
                }
                byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", type);
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(bytes);
                }
            }
        }

        private static String line(String messageFields, String rest) {
            return "{\"model\":\"" + MODEL + "\",\"created_at\":\"2025-06-01T12:00:00Z\",\"message\":"
                    + "{\"role\":\"assistant\"," + messageFields + "}," + rest + "\n";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
