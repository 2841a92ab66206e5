package dev.caracal.llm.anthropic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.Reasoning;
import dev.caracal.llm.ResponseFormat;
import dev.caracal.llm.testkit.ChatRequests;
import org.junit.jupiter.api.Test;

/** Reasoning turned off (OpenAI's none, Anthropic's disabled) reaches Claude as thinking disabled. */
class ReasoningOffTest {

    @Test
    void offIsThinkingDisabledAndLeavesMaxTokensAlone() {
        ObjectNode body = new RequestMapper(4096, "claude")
                .toBody(ChatRequests.ask("claude-x", "hi").withReasoning(Reasoning.OFF), false);
        assertEquals("disabled", body.at("/thinking/type").asText());
        assertEquals(1, body.get("thinking").size(), body.toString());
        assertEquals(4096, body.get("max_tokens").asInt());
    }

    @Test
    void structuredOutputStillWorksWithReasoningOff() {
        ObjectNode body = new RequestMapper(4096, "claude")
                .toBody(
                        ChatRequests.ask("claude-x", "hi")
                                .withReasoning(Reasoning.OFF)
                                .withResponseFormat(ResponseFormat.jsonObject()),
                        false);
        assertEquals("json_object", body.at("/tool_choice/name").asText(), body.toString());
    }
}
