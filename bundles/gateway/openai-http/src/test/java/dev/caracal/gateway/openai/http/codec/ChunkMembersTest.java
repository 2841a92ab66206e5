package dev.caracal.gateway.openai.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ResponseExtras;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which upstream members a chunk places as it is written, and which only a tree can place (the stream golden test
 * pins that both write the same bytes; this pins that the members OpenAI-format upstreams send take the way without
 * a tree).
 */
class ChunkMembersTest {

    private static ChunkMembers kept(String... pointersAndRaw) {
        Map<String, String> members = new LinkedHashMap<>();
        for (int i = 0; i < pointersAndRaw.length; i += 2) {
            members.put(pointersAndRaw[i], pointersAndRaw[i + 1]);
        }
        ChunkMembers x = new ChunkMembers();
        x.keep(new ResponseExtras("openai", ResponseExtras.CHUNK, members));
        return x;
    }

    @Test
    void openAisMembersArePlacedAsTheChunkIsWritten() {
        ChunkMembers x = kept(
                "/system_fingerprint", "\"fp\"",
                "/service_tier", "\"default\"",
                "/obfuscation", "\"q\"",
                "/choices/0/logprobs", "{\"content\":[]}",
                "/choices/0/delta/annotations", "[]",
                "/a~1b", "1",
                "/usage/prompt_tokens_details/audio_tokens", "0",
                "/usage/completion_tokens_details", "{\"reasoning_tokens\":0}",
                "/usage/x", "2");
        assertTrue(x.placeContent());
        assertEquals("\"fp\"", x.places().replacement(ChunkMembers.ROOT, "system_fingerprint"));
        assertEquals("{\"content\":[]}", x.places().replacement(ChunkMembers.CHOICE, "logprobs"));
        assertEquals("1", x.places().replacement(ChunkMembers.ROOT, "a/b"), "the pointer's token unescaped");
        assertNull(x.places().replacement(ChunkMembers.ROOT, "id"));
        assertTrue(x.placeUsage(), "the usage's members, then the others, on the usage chunk");
        assertEquals("0", x.places().replacement(ChunkMembers.PROMPT_DETAILS, "audio_tokens"));
        assertEquals(
                "{\"reasoning_tokens\":0}", x.places().replacement(ChunkMembers.USAGE, "completion_tokens_details"));
        assertNull(
                x.places().replacement(ChunkMembers.CHOICE, "logprobs"),
                "the usage chunk's choices are empty: left out");
    }

    @Test
    void membersOnlyATreeCanPlaceAreLeftToOne() {
        assertFalse(kept("/system_fingerprint/x", "1").placeContent(), "inside a member the chunk has as null");
        assertFalse(kept("/new/x", "1").placeContent(), "inside a member the chunk does not have");
        assertFalse(kept("/choices/0/delta/tool_calls/0/x", "1").placeContent(), "inside a tool call");
        assertFalse(kept("/choices/1/x", "1").placeContent(), "another choice");
        assertFalse(kept("/choices", "[]", "/choices/0/x", "1").placeContent(), "inside a replaced member");
        assertFalse(kept("/choices/0/x", "1", "/choices", "[]").placeContent(), "and the other way round");
        assertFalse(kept("/~", "1", "/~0", "2").placeContent(), "two pointers to one member");
        assertFalse(kept("/x", null).placeContent(), "no text");
        assertFalse(kept("x", "1").placeContent(), "no pointer");
        assertTrue(kept("/choices/0/delta", "{}", "/choices/0/x", "1").placeContent(), "siblings of a replaced one");
    }

    @Test
    void anotherFormatsMembersAreNotKept() {
        ChunkMembers x = new ChunkMembers();
        x.keep(new ResponseExtras("anthropic", "message_start", Map.of("/system_fingerprint", "\"x\"")));
        assertFalse(x.any());
    }
}
