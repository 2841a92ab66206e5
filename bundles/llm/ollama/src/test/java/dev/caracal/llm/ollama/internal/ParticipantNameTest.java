package dev.caracal.llm.ollama.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.Message;
import dev.caracal.llm.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ollama messages have no participant name and images no low-detail mode: the request mapper refuses such a
 * message naming it (what exactly is refused: llm-support's UncarriableTest), never sends it without it.
 */
class ParticipantNameTest {

    @Test
    void theMapperRefusesANamedMessage() {
        ChatRequest request = new ChatRequest(
                "m",
                null,
                List.of(new Message(Role.USER, List.of(new ContentPart.Text("me too")), "bob")),
                null,
                null,
                null,
                null,
                false,
                null);
        LlmException refused =
                assertThrows(LlmException.class, () -> new RequestMapper(null, "local").toBody(request, false));
        assertTrue(refused.getMessage().contains("provider 'local'"), refused.getMessage());
    }

    @Test
    void reasoningTurnedOffIsThinkFalse() {
        org.junit.jupiter.api.Assertions.assertEquals(
                "false", RequestMapper.think(dev.caracal.llm.Reasoning.OFF).toString());
    }
}
