package dev.caracal.llm.ollama.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ollama messages have no participant name and images no low-detail mode: such a message is refused naming it, never
 * sent without it.
 */
class ParticipantNameTest {

    @Test
    void aNamedMessageIsRefusedByName() {
        ChatRequest request = new ChatRequest(
                "m",
                null,
                List.of(Message.user("hi"), new Message(Role.USER, List.of(new ContentPart.Text("me too")), "bob")),
                null,
                null,
                null,
                null,
                false,
                null);
        LlmException refused =
                assertThrows(LlmException.class, () -> new RequestMapper(null, "local").toBody(request, false));
        assertEquals(ErrorKind.INVALID_REQUEST, refused.kind());
        assertTrue(
                refused.getMessage().contains("the user message named 'bob' cannot be carried to provider 'local'")
                        && refused.getMessage().contains("Ollama messages have no participant name"),
                refused.getMessage());
    }

    @Test
    void aLowDetailImageIsRefusedAndOtherDetailsAreWhatItDoesAnyway() {
        ChatRequest low = new ChatRequest(
                "m",
                null,
                List.of(new Message(
                        Role.USER,
                        List.of(
                                new ContentPart.Text("what is it?"),
                                new ContentPart.Image("image/png", "iVBORw0KGgo=", null, "low")))),
                null,
                null,
                null,
                null,
                false,
                null);
        LlmException refused =
                assertThrows(LlmException.class, () -> new RequestMapper(null, "local").toBody(low, false));
        assertTrue(
                refused.getMessage()
                        .startsWith("image_url.detail 'low' in a user message cannot be carried to provider 'local'"),
                refused.getMessage());
        for (String detail : new String[] {"high", "auto"}) {
            ChatRequest other = new ChatRequest(
                    "m",
                    null,
                    List.of(new Message(
                            Role.USER, List.of(new ContentPart.Image("image/png", "iVBORw0KGgo=", null, detail)))),
                    null,
                    null,
                    null,
                    null,
                    false,
                    null);
            new RequestMapper(null, "local").toBody(other, false);
        }
    }
}
