package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.ModelListCache;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models an endpoint serves: the upstream's {@code GET /models} (cached), else the configured {@code models} and
 * embedding models. Models that the chat completions and embeddings APIs cannot use (speech, transcription, images,
 * moderation, realtime, legacy completions) are left out. Capabilities come from the model name: the API does not
 * report them.
 */
final class ModelCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);
    private static final List<String> NOT_CHAT = List.of(
            "whisper",
            "tts",
            "dall-e",
            "gpt-image",
            "moderation",
            "transcribe",
            "realtime",
            "davinci",
            "babbage",
            "sora");

    private final OpenAiChatModel client;
    private final Settings settings;
    private final ModelListCache cache;

    ModelCatalog(OpenAiChatModel client, Settings settings) {
        this.client = client;
        this.settings = settings;
        this.cache = new ModelListCache(settings.id(), settings.modelsCacheTtl(), this::fetch, this::configured, LOG);
    }

    List<ModelInfo> models() {
        return cache.models();
    }

    private List<ModelInfo> fetch() {
        String body = client.call(client.get("/models"));
        JsonNode root = Json.tryParse(body);
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isArray()) {
            throw HttpErrors.malformed("model list", body, null);
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode m : data) {
            String id = m.path("id").asText("");
            if (!id.isEmpty() && usable(id)) {
                ids.add(id);
            }
        }
        return ModelListCache.infos(ids, settings.id(), ModelCatalog::capabilities);
    }

    List<ModelInfo> configured() {
        Set<String> ids = new LinkedHashSet<>(settings.models());
        settings.embeddingModels().forEach(e -> ids.add(e.model()));
        return ModelListCache.infos(ids, settings.id(), ModelCatalog::capabilities);
    }

    static boolean usable(String id) {
        String m = id.toLowerCase(Locale.ROOT);
        return NOT_CHAT.stream().noneMatch(m::contains);
    }

    static boolean isEmbeddingModel(String id) {
        return id.toLowerCase(Locale.ROOT).contains("embed");
    }

    /** What a model can do, judged by its name (unknown names get streaming, tools and JSON output). */
    static Capabilities capabilities(String id) {
        String m = id.toLowerCase(Locale.ROOT);
        if (isEmbeddingModel(m)) {
            return new Capabilities(false, false, false, true, false, contextTokens(m));
        }
        boolean reasoningMini = m.startsWith("o1-mini") || m.startsWith("o3-mini");
        boolean vision = m.startsWith("gpt-4o")
                || m.startsWith("chatgpt-4o")
                || m.startsWith("gpt-4.1")
                || m.startsWith("gpt-4.5")
                || m.startsWith("gpt-5")
                || m.startsWith("gpt-4-turbo")
                || ((m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4")) && !reasoningMini);
        boolean tools = !m.startsWith("o1-mini") && !m.startsWith("o1-preview");
        return new Capabilities(true, tools, vision, false, true, contextTokens(m));
    }

    static int contextTokens(String m) {
        if (m.startsWith("text-embedding")) {
            return 8191;
        }
        if (m.startsWith("gpt-4.1")) {
            return 1_047_576;
        }
        if (m.startsWith("gpt-5")) {
            return 400_000;
        }
        if (m.startsWith("gpt-4o")
                || m.startsWith("gpt-4-turbo")
                || m.startsWith("chatgpt-4o")
                || m.startsWith("gpt-4.5")
                || m.startsWith("o1-mini")) {
            return 128_000;
        }
        if (m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4")) {
            return 200_000;
        }
        if (m.startsWith("gpt-3.5-turbo")) {
            return 16_385;
        }
        return 0;
    }
}
