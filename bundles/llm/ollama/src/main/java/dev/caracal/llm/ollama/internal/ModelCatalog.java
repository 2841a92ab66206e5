package dev.caracal.llm.ollama.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.ModelListCache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of an Ollama server: {@code GET /api/tags} (the pulled models, cached), else the configured
 * {@code models} and embedding models. What a model can do comes from {@code POST /api/show} (its
 * {@code capabilities} list and {@code <architecture>.context_length}), asked once per model digest; a server that
 * does not answer it (older Ollama, proxies) gets capabilities guessed from the name and family.
 */
final class ModelCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);
    static final String TAGS_PATH = "/api/tags";
    static final String SHOW_PATH = "/api/show";
    private static final List<String> VISION_NAMES = List.of(
            "llava",
            "vision",
            "-vl",
            "vl:",
            "moondream",
            "minicpm-v",
            "gemma3",
            "mistral-small3",
            "granite3.2-vision",
            "qwen2.5vl",
            "llama4");
    private static final List<String> EMBEDDING_FAMILIES = List.of("bert", "nomic-bert", "xlm-roberta", "gte");

    private final OllamaChatModel client;
    private final Settings settings;
    private final Map<String, Capabilities> shown = new ConcurrentHashMap<>();
    private final ModelListCache cache;

    ModelCatalog(OllamaChatModel client, Settings settings) {
        this.client = client;
        this.settings = settings;
        this.cache = new ModelListCache(settings.id(), settings.modelsCacheTtl(), this::fetch, this::configured, LOG);
    }

    List<ModelInfo> models() {
        return cache.models();
    }

    private List<ModelInfo> fetch() {
        String body = client.call(client.get(TAGS_PATH));
        JsonNode root = Json.tryParse(body);
        JsonNode list = root == null ? null : root.get("models");
        if (list == null || !list.isArray()) {
            throw client.errors().malformed("model list", body);
        }
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode m : list) {
            String name = m.path("name").asText(m.path("model").asText(""));
            if (!name.isEmpty()) {
                byName.putIfAbsent(name, m);
            }
        }
        List<ModelInfo> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : byName.entrySet()) {
            out.add(new ModelInfo(e.getKey(), settings.id(), capabilitiesOf(e.getKey(), e.getValue())));
        }
        return List.copyOf(out);
    }

    private Capabilities capabilitiesOf(String name, JsonNode tag) {
        String key = name + "@" + tag.path("digest").asText("");
        Capabilities known = shown.get(key);
        if (known != null) {
            return known;
        }
        Capabilities caps;
        try {
            ObjectNode request = Json.MAPPER.createObjectNode().put("model", name);
            caps = fromShow(
                    Json.tryParse(client.call(client.post(SHOW_PATH, Json.write(request), client.metadataTimeout()))),
                    name,
                    tag);
        } catch (LlmException e) {
            LOG.debug(
                    "POST /api/show for {} on {} failed ({}); guessing its capabilities from its name",
                    name,
                    settings.id(),
                    e.getMessage());
            caps = guess(name, tag.path("details"));
            if (e.upstreamStatus() != 404 && e.upstreamStatus() != 405) {
                return caps; // a passing failure: ask again at the next listing
            }
        }
        shown.put(key, caps);
        return caps;
    }

    /** From an {@code /api/show} answer; its {@code capabilities} list exists since Ollama 0.6.4. */
    static Capabilities fromShow(JsonNode show, String name, JsonNode tag) {
        if (show == null || !show.isObject()) {
            return guess(name, tag == null ? null : tag.path("details"));
        }
        Capabilities guessed =
                guess(name, show.has("details") ? show.get("details") : tag == null ? null : tag.path("details"));
        int context = contextLength(show.path("model_info"));
        JsonNode list = show.get("capabilities");
        if (list == null || !list.isArray()) {
            return new Capabilities(
                    guessed.streaming(),
                    guessed.tools(),
                    guessed.vision(),
                    guessed.embeddings(),
                    guessed.jsonOutput(),
                    context);
        }
        Set<String> caps = new LinkedHashSet<>();
        list.forEach(c -> caps.add(c.asText()));
        boolean chat = caps.contains("completion");
        return new Capabilities(
                chat, caps.contains("tools"), caps.contains("vision"), caps.contains("embedding"), chat, context);
    }

    /** {@code model_info["<general.architecture>.context_length"]}, 0 when not told. */
    static int contextLength(JsonNode modelInfo) {
        if (modelInfo == null || !modelInfo.isObject()) {
            return 0;
        }
        String arch = modelInfo.path("general.architecture").asText("");
        JsonNode n = modelInfo.get(arch + ".context_length");
        return n != null && n.canConvertToInt() ? n.asInt() : 0;
    }

    /** Capabilities judged by name and family: unknown chat models get streaming, tools and JSON output. */
    static Capabilities guess(String name, JsonNode details) {
        String m = name.toLowerCase(Locale.ROOT);
        Set<String> families = new LinkedHashSet<>();
        if (details != null && details.isObject()) {
            String family = details.path("family").asText("");
            if (!family.isEmpty()) {
                families.add(family.toLowerCase(Locale.ROOT));
            }
            details.path("families").forEach(f -> families.add(f.asText().toLowerCase(Locale.ROOT)));
        }
        boolean embedding = m.contains("embed")
                || m.startsWith("bge-")
                || m.startsWith("mxbai-")
                || m.startsWith("all-minilm")
                || m.startsWith("snowflake-arctic-embed")
                || families.stream().anyMatch(EMBEDDING_FAMILIES::contains);
        if (embedding) {
            return new Capabilities(false, false, false, true, false, 0);
        }
        boolean vision =
                VISION_NAMES.stream().anyMatch(m::contains) || families.contains("clip") || families.contains("mllama");
        return new Capabilities(true, true, vision, false, true, 0);
    }

    List<ModelInfo> configured() {
        List<ModelInfo> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String id : settings.models()) {
            if (seen.add(id)) {
                out.add(new ModelInfo(id, settings.id(), guess(id, null)));
            }
        }
        for (Settings.EmbeddingSpec e : settings.embeddingModels()) {
            if (seen.add(e.model())) {
                out.add(new ModelInfo(e.model(), settings.id(), new Capabilities(false, false, false, true, false, 0)));
            }
        }
        return List.copyOf(out);
    }
}
