package dev.caracal.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The system prompt as one text and as the client's blocks with their cache breakpoints: one prompt, two views. */
class ChatRequestSystemBlocksTest {
    private static final CacheControl HOUR = new CacheControl("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}");

    private static ChatRequest request(String system, List<ContentPart.Text> blocks) {
        return new ChatRequest(
                "m",
                system,
                List.of(Message.user("hi")),
                null,
                null,
                null,
                null,
                false,
                null,
                null,
                null,
                null,
                blocks);
    }

    @Test
    void blocksAloneAreJoinedIntoTheSystemText() {
        List<ContentPart.Text> blocks =
                List.of(new ContentPart.Text("You are terse."), new ContentPart.Text("Answer in French.", HOUR));
        ChatRequest r = request(null, blocks);
        assertEquals("You are terse.\n\nAnswer in French.", r.system());
        assertEquals(blocks, r.systemBlocks());
    }

    @Test
    void aSystemTextAloneIsOneBlockWithoutABreakpoint() {
        ChatRequest r = new ChatRequest(
                "m", "Be brief.", List.of(Message.user("hi")), null, null, null, null, false, null, null, null, null);
        assertEquals(List.of(new ContentPart.Text("Be brief.")), r.systemBlocks());
        assertEquals(List.of(), request(null, null).systemBlocks());
        assertNull(request(null, List.of()).system());
        assertEquals(List.of(), request("", null).systemBlocks());
    }

    @Test
    void theTextAndTheBlocksThatAgreeAreKept() {
        List<ContentPart.Text> blocks = List.of(new ContentPart.Text("a", HOUR), new ContentPart.Text("b"));
        assertEquals(blocks, request("a\n\nb", blocks).systemBlocks());
    }

    @Test
    void aRewrittenSystemTextWinsOverTheOldBlocks() {
        List<ContentPart.Text> blocks = List.of(new ContentPart.Text("call 555-0100", HOUR));
        ChatRequest r = request("call [redacted]", blocks);
        assertEquals("call [redacted]", r.system());
        assertEquals(List.of(new ContentPart.Text("call [redacted]")), r.systemBlocks());
        assertEquals(List.of(), request("", blocks).systemBlocks());
    }

    @Test
    void theCopiesKeepTheBlocks() {
        List<ContentPart.Text> blocks = List.of(new ContentPart.Text("a", HOUR));
        ChatRequest r = request(null, blocks);
        assertEquals(blocks, r.withModel("other").systemBlocks());
        assertEquals(blocks, r.withReasoning(Reasoning.budget(2048)).systemBlocks());
        assertEquals(blocks, r.withExtras(RequestExtras.NONE).systemBlocks());
        assertEquals(blocks, r.withResponseFormat(null).systemBlocks());
    }

    @Test
    void aMarkerIsAJsonObject() {
        assertEquals("{\"type\":\"ephemeral\"}", CacheControl.EPHEMERAL.json());
        assertThrows(IllegalArgumentException.class, () -> new CacheControl("\"ephemeral\""));
        assertThrows(NullPointerException.class, () -> new CacheControl(null));
    }

    @Test
    void thePartsThatCanCarryAMarkerSayIt() {
        assertEquals(HOUR, new ContentPart.Text("t", HOUR).cacheControl());
        assertEquals(HOUR, new ContentPart.Image(null, null, "https://x/y.png", null, HOUR).cacheControl());
        assertEquals(HOUR, new ContentPart.ToolUse("id", "n", "{}", HOUR).cacheControl());
        assertEquals(HOUR, new ContentPart.ToolResult("id", List.of(), false, HOUR).cacheControl());
        assertNull(new ContentPart.Thinking("x", "sig").cacheControl());
        assertNull(new ContentPart.Text("t").cacheControl());
        assertEquals(HOUR, new ToolDefinition("t", null, null, null, HOUR).cacheControl());
        assertNull(new ToolDefinition("t", null, null).cacheControl());
    }
}
