package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.ModelListCache;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models an account serves: the upstream's {@code GET /v1/models} (all pages, cached), else the configured
 * {@code models} (cached 30 s). Capabilities come from the model name, since the API does not report them.
 */
final class ModelCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);
    private static final int PAGE_LIMIT = 1000;
    private static final int MAX_PAGES = 20;

    private final AnthropicChatModel client;
    private final Settings settings;
    private final ModelListCache cache;

    ModelCatalog(AnthropicChatModel client, Settings settings) {
        this.client = client;
        this.settings = settings;
        this.cache = new ModelListCache(settings.id(), settings.modelsCacheTtl(), this::fetch, this::configured, LOG);
    }

    List<ModelInfo> models() {
        return cache.models();
    }

    private List<ModelInfo> fetch() {
        Set<String> ids = new LinkedHashSet<>();
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            String path = "/v1/models?limit=" + PAGE_LIMIT
                    + (after == null ? "" : "&after_id=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            String body = client.call(client.get(path));
            JsonNode root = Json.tryParse(body);
            JsonNode data = root == null ? null : root.get("data");
            if (data == null || !data.isArray()) {
                throw HttpErrors.malformed("model list", body, null);
            }
            for (JsonNode m : data) {
                String id = m.path("id").asText("");
                if (!id.isEmpty()) {
                    ids.add(id);
                }
            }
            String last = Json.textOrNull(root.get("last_id"));
            if (!root.path("has_more").asBoolean(false) || last == null || last.equals(after)) {
                break;
            }
            after = last;
        }
        return infos(ids);
    }

    List<ModelInfo> configured() {
        return infos(settings.models());
    }

    private List<ModelInfo> infos(Collection<String> ids) {
        return ModelListCache.infos(ids, settings.id(), ModelCatalog::capabilities);
    }

    /**
     * By name: every Claude model streams and calls tools; Claude 3 and later read images and have a 200k-token
     * context (Claude 2.1 200k without vision, older 100k); other names get streaming and tools only.
     */
    static Capabilities capabilities(String id) {
        String m = id.toLowerCase(Locale.ROOT);
        boolean legacy = m.startsWith("claude-2") || m.startsWith("claude-instant");
        boolean claude = m.startsWith("claude");
        boolean vision = claude && !legacy;
        int context = !claude ? 0 : m.startsWith("claude-2.1") || !legacy ? 200_000 : 100_000;
        return new Capabilities(true, true, vision, false, false, context);
    }
}
