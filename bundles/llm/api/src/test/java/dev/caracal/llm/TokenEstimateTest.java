package dev.caracal.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {

    @Test
    void aQuarterOfTheCharactersPlusFixedCostsPerMessageAndImage() {
        ChatRequest request = new ChatRequest(
                "m",
                "Be brief.", // 9 chars
                List.of(
                        new Message(
                                Role.USER,
                                List.of(
                                        new ContentPart.Text("What is in this picture?"), // 24
                                        new ContentPart.Image("image/png", "AAAA", null))),
                        new Message(Role.ASSISTANT, List.of(new ContentPart.ToolUse("c1", "look", "{}"))), // 4 + 2
                        new Message(
                                Role.TOOL,
                                List.of(new ContentPart.ToolResult(
                                        "c1", List.of(new ContentPart.Text("a cat")), false)))), // 5
                List.of(new ToolDefinition("look", "Look", "{\"type\":\"object\"}")), // 4 + 4 + 17
                null,
                null,
                null,
                false,
                null);
        long chars = 9 + 24 + 6 + 5 + 25;
        assertEquals((chars + 3) / 4 + 3 * 4 + 85, TokenEstimate.inputTokens(request));
    }
}
