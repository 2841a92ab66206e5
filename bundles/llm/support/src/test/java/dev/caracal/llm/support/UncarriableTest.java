package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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

/** What a provider without message names or low-detail images refuses, naming it, instead of dropping it. */
class UncarriableTest {

    private static ChatRequest with(Message... messages) {
        return new ChatRequest("m", null, List.of(messages), null, null, null, null, false, null);
    }

    private static Message image(String detail) {
        return new Message(
                Role.USER,
                List.of(
                        new ContentPart.Text("what is it?"),
                        new ContentPart.Image("image/png", "iVBORw0KGgo=", null, detail)));
    }

    @Test
    void aNamedMessageIsRefusedByName() {
        LlmException refused = assertThrows(
                LlmException.class,
                () -> Uncarriable.refuseInMessages(
                        with(Message.user("hi"), new Message(Role.USER, List.of(new ContentPart.Text("me")), "bob")),
                        "claude",
                        "Anthropic"));
        assertEquals(ErrorKind.INVALID_REQUEST, refused.kind());
        assertTrue(
                refused.getMessage().startsWith("the user message named 'bob' cannot be carried to provider 'claude'")
                        && refused.getMessage().contains("Anthropic messages have no participant name"),
                refused.getMessage());
    }

    @Test
    void aLowDetailImageIsRefusedAndOtherDetailsAreWhatTheProviderDoesAnyway() {
        LlmException refused = assertThrows(
                LlmException.class, () -> Uncarriable.refuseInMessages(with(image("low")), "local", "Ollama"));
        assertTrue(
                refused.getMessage()
                        .startsWith("image_url.detail 'low' in a user message cannot be carried to provider 'local'"),
                refused.getMessage());
        for (String detail : new String[] {"high", "auto", null}) {
            assertDoesNotThrow(() -> Uncarriable.refuseInMessages(with(image(detail)), "local", "Ollama"));
        }
    }
}
