package dev.caracal.gateway.anthropic.http.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelsPageTest {

    static final Capabilities EMBEDDINGS = new Capabilities(false, false, false, true, false, 0);

    /** m0..m{n-1} from provider p, plus an embedding model and a duplicate name from a second provider. */
    static List<ModelInfo> models(int n) {
        List<ModelInfo> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ModelInfo(
                    "m" + i, "p", new Capabilities(true, true, false, false, false, i == 0 ? 200_000 : 0)));
        }
        out.add(new ModelInfo("text-embedding", "p", EMBEDDINGS));
        out.add(new ModelInfo("m1", "q", null));
        return out;
    }

    static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("data").forEach(m -> out.add(m.get("id").asText()));
        return out;
    }

    @Test
    void firstPageListsChatModelsOnceInOrder() {
        JsonNode page = ModelsPage.page(models(3), null, null, null);
        assertEquals(List.of("m0", "m1", "m2"), ids(page));
        assertFalse(page.get("has_more").asBoolean());
        assertEquals("m0", page.get("first_id").asText());
        assertEquals("m2", page.get("last_id").asText());
        JsonNode m0 = page.get("data").get(0);
        assertEquals("model", m0.get("type").asText());
        assertEquals("m0", m0.get("display_name").asText());
        assertEquals("1970-01-01T00:00:00Z", m0.get("created_at").asText());
        assertEquals(200_000, m0.get("max_input_tokens").asInt());
        assertFalse(page.get("data").get(1).has("max_input_tokens"), "unknown context is left out, not 0");
    }

    @Test
    void cursorsWalkForwardAndBack() {
        List<ModelInfo> all = models(5);
        JsonNode p1 = ModelsPage.page(all, "2", null, null);
        assertEquals(List.of("m0", "m1"), ids(p1));
        assertTrue(p1.get("has_more").asBoolean());
        JsonNode p2 = ModelsPage.page(all, "2", p1.get("last_id").asText(), null);
        assertEquals(List.of("m2", "m3"), ids(p2));
        JsonNode p3 = ModelsPage.page(all, "2", p2.get("last_id").asText(), null);
        assertEquals(List.of("m4"), ids(p3));
        assertFalse(p3.get("has_more").asBoolean());
        JsonNode back = ModelsPage.page(all, "2", null, "m4");
        assertEquals(List.of("m2", "m3"), ids(back));
        assertTrue(back.get("has_more").asBoolean());
        JsonNode start = ModelsPage.page(all, "2", null, "m1");
        assertEquals(List.of("m0"), ids(start));
        assertFalse(start.get("has_more").asBoolean());
        JsonNode none = ModelsPage.page(all, null, "m4", null);
        assertEquals(List.of(), ids(none));
        assertTrue(none.get("first_id").isNull());
        assertFalse(none.get("has_more").asBoolean());
    }

    @Test
    void badParametersAre400sNamingThem() {
        List<ModelInfo> all = models(2);
        for (String limit : new String[] {"0", "1001", "ten", "-1"}) {
            AnthropicError e = assertThrows(AnthropicError.class, () -> ModelsPage.page(all, limit, null, null));
            assertEquals(400, e.status());
            assertTrue(e.getMessage().startsWith("limit: "), e.getMessage());
        }
        AnthropicError both = assertThrows(AnthropicError.class, () -> ModelsPage.page(all, null, "m0", "m1"));
        assertTrue(both.getMessage().contains("after_id and before_id"), both.getMessage());
        AnthropicError unknown = assertThrows(AnthropicError.class, () -> ModelsPage.page(all, null, "nope", null));
        assertEquals("after_id: 'nope' is not a model this gateway lists", unknown.getMessage());
        AnthropicError embedding =
                assertThrows(AnthropicError.class, () -> ModelsPage.page(all, null, null, "text-embedding"));
        assertTrue(embedding.getMessage().startsWith("before_id: "), embedding.getMessage());
    }

    @Test
    void findAnswersOneModelOrNotFound() {
        assertEquals("m1", ModelsPage.find(models(2), "m1").get("id").asText());
        AnthropicError e = assertThrows(AnthropicError.class, () -> ModelsPage.find(models(2), "text-embedding"));
        assertEquals(404, e.status());
        assertEquals(AnthropicError.NOT_FOUND, e.type());
        assertTrue(e.getMessage().contains("text-embedding"), e.getMessage());
    }
}
