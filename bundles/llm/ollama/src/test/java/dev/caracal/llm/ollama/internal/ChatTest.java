package dev.caracal.llm.ollama.internal;

import static dev.caracal.llm.ollama.internal.OllamaUnderTest.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import dev.caracal.llm.SamplingParameters;
import dev.caracal.llm.testkit.ChatRequests;
import dev.caracal.llm.testkit.ChatScenarios;
import dev.caracal.llm.testkit.Fixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whole answers of /api/chat against aimock: the test kit's shared scenarios, plus stream:false, sampling as
 * options and inline images. aimock records each request translated to its chat shape.
 */
class ChatTest extends ChatScenarios<OllamaChatModel> {

    ChatTest() {
        super(OllamaUnderTest.PROVIDER);
    }

    @Override
    protected List<Fixture> providerFixtures() {
        return List.of(Fixture.whenUserSays("picture").reply("A red square."));
    }

    @Test
    void aWholeAnswerIsAskedForWithStreamFalse() {
        assertEquals("Hi there!", model().complete(ask("hello")).text());
        JsonNode sent = lastRequestBody();
        assertEquals(MODEL, sent.path("model").asText());
        assertEquals(false, sent.path("stream").asBoolean(true), "stream:false was sent");
    }

    @Test
    void sendsTheSystemPromptAndSamplingAsOptions() {
        ChatRequest request = ChatRequests.to(MODEL)
                .system("You are a pirate.")
                .user("greet me")
                .sampling(new SamplingParameters(0.3, null, null, 64, null, null, null))
                .build();
        assertEquals("Arr, matey.", model().complete(request).text());
        JsonNode sent = lastRequestBody();
        assertEquals("system", sent.path("messages").get(0).path("role").asText());
        assertEquals(0.3, sent.path("temperature").asDouble(), 1e-9, "options.temperature");
        assertEquals(64, sent.path("max_tokens").asInt(), "options.num_predict");
    }

    @Test
    void sendsImages() {
        Message user = new Message(
                Role.USER,
                List.of(
                        new ContentPart.Text("Describe this picture"),
                        new ContentPart.Image(
                                "image/png",
                                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQ"
                                        + "DwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                                null)));
        ChatResponse r =
                model().complete(ChatRequests.to("llava").messages(user).build());
        assertEquals("A red square.", r.text());
        assertEquals("llava", r.model(), "the model asked for, as the answer names it");
        // aimock keeps only role and content of a message in its journal; the images list itself is checked by
        // RequestMapperTest
        assertEquals(
                "Describe this picture",
                lastRequestBody().path("messages").get(0).path("content").asText());
    }
}
