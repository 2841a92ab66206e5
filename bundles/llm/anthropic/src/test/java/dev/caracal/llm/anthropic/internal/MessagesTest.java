package dev.caracal.llm.anthropic.internal;

import static dev.caracal.llm.anthropic.internal.AnthropicUnderTest.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.ChatScenarios;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.JournalEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Complete (non-streamed) messages against aimock's Anthropic /v1/messages: the test kit's shared scenarios, plus the
 * headers and default max_tokens Anthropic needs, images, stop sequences and sampling.
 */
class MessagesTest extends ChatScenarios<AnthropicChatModel> {

    MessagesTest() {
        super(AnthropicUnderTest.PROVIDER);
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(
                Fixture.whenUserSays("describe this image").reply("A red square."),
                Fixture.whenUserSays("until stop").reply("one two").finishReason("stop_sequence"),
                Fixture.whenUserSays("parameters").reply("ok"));
    }

    private JournalEntry lastRequestWith(String text) {
        List<JournalEntry> entries = upstream().journal("/v1/messages").stream()
                .filter(e -> e.body() != null && e.body().toString().contains(text))
                .toList();
        assertTrue(!entries.isEmpty(), "no request with " + text);
        return entries.get(entries.size() - 1);
    }

    @Test
    void sendsTheVersionTheKeyAndTheDefaultMaxTokens() {
        assertEquals("Hi there!", model().complete(ask("hello")).text());
        JournalEntry sent = lastRequestWith("hello");
        assertEquals("2023-06-01", sent.header("anthropic-version"));
        assertTrue(sent.header("x-api-key") != null, "the key header is sent (aimock shows it redacted)");
        assertEquals(4096, sent.body().path("max_tokens").asInt(), "the configured default max_tokens");
        assertEquals(MODEL, sent.body().path("model").asText());
    }

    @Test
    void sendsImages() {
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Image(
                                "image/png",
                                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                                null),
                        new ContentPart.Image(null, null, "https://example.com/cat.jpg"),
                        new ContentPart.Text("describe this image")));
        ChatResponse response =
                model().complete(ChatRequests.to(MODEL).messages(user).build());
        assertEquals("A red square.", response.text());
        // aimock accepts the image blocks but keeps only the text of a message (see the README)
        assertEquals(
                "describe this image",
                lastRequestWith("describe this image")
                        .body()
                        .path("messages")
                        .path(0)
                        .path("content")
                        .asText());
    }

    @Test
    void anAnswerEndedByAStopSequenceSaysSo() {
        assertEquals(
                StopReason.STOP_SEQUENCE, model().complete(ask("until stop")).stopReason());
    }

    @Test
    void sendsSamplingParameters() {
        ChatRequest request = ChatRequests.to(MODEL)
                .user("parameters")
                .sampling(new SamplingParameters(0.3, 0.9, 40, 123, null, null, null))
                .stop("END")
                .metadata(Map.of("user", "user-42"))
                .build();
        assertEquals("ok", model().complete(request).text());
        JsonNode sent = lastRequestWith("parameters").body();
        assertEquals(123, sent.path("max_tokens").asInt());
        assertEquals(0.3, sent.path("temperature").asDouble());
    }
}
