package dev.caracal.llm.openai.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What OpenAI clients put inside messages reaches an OpenAI-format upstream: a message's participant {@code name}, an
 * image's {@code detail}.
 */
class ParticipantNameTest {

    @Test
    void userAndAssistantNamesAreCarried() {
        ChatRequest request = new ChatRequest(
                "gpt-4o",
                "Be brief.",
                List.of(
                        new Message(Role.USER, List.of(new ContentPart.Text("Hi, I am Alice")), "alice"),
                        new Message(Role.ASSISTANT, List.of(new ContentPart.Text("Hello")), "helper_bot"),
                        Message.user("and me")),
                null,
                null,
                null,
                null,
                false,
                null);
        JsonNode messages = new RequestMapper("max_completion_tokens", "openai")
                .toBody(request, false)
                .get("messages");
        assertEquals("alice", messages.get(1).path("name").asText());
        assertEquals("helper_bot", messages.get(2).path("name").asText());
        assertFalse(messages.get(3).has("name"));
        assertFalse(messages.get(0).has("name"), "the system prompt");
    }

    @Test
    void anImagesDetailIsCarried() {
        ChatRequest request = new ChatRequest(
                "gpt-4o",
                null,
                List.of(new Message(
                        Role.USER,
                        List.of(
                                new ContentPart.Text("what is it?"),
                                new ContentPart.Image(null, null, "https://example.org/a.png", "low"),
                                new ContentPart.Image("image/png", "iVBORw0KGgo=", null)))),
                null,
                null,
                null,
                null,
                false,
                null);
        JsonNode content = new RequestMapper("max_completion_tokens", "openai")
                .toBody(request, false)
                .at("/messages/0/content");
        assertEquals("low", content.at("/1/image_url/detail").asText());
        assertFalse(content.at("/2/image_url").has("detail"));
    }
}
