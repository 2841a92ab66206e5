package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Anthropic's Models API ({@code GET /v1/models}, {@code GET /v1/models/{id}}) over the gateway's model names.
 * Embedding models are left out (the Messages API cannot use them) and a name offered by several providers is listed
 * once. The gateway does not know when a model was released, so {@code created_at} is the epoch, as OpenAI's
 * {@code created} is 0; {@code display_name} is the id; {@code max_input_tokens} is given when the provider knows it.
 * Pages follow Anthropic's cursors: {@code after_id} or {@code before_id}, and {@code limit} from 1 to 1000.
 */
public final class ModelsPage {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 1000;
    static final String UNKNOWN_CREATED_AT = "1970-01-01T00:00:00Z";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ModelsPage() {}

    /** The models a Messages client can call, each name once, in the gateway's order. */
    public static List<ModelInfo> chatModels(List<ModelInfo> models) {
        Set<String> seen = new LinkedHashSet<>();
        List<ModelInfo> out = new ArrayList<>();
        for (ModelInfo m : models) {
            if (!m.capabilities().embeddings() && seen.add(m.id())) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * One page. {@code limit}, {@code afterId} and {@code beforeId} are the raw query parameters (each may be
     * {@code null}); a bad value is an {@link AnthropicError} 400 naming the parameter.
     */
    public static ObjectNode page(List<ModelInfo> models, String limit, String afterId, String beforeId) {
        int size = limit(limit);
        if (afterId != null && beforeId != null) {
            throw AnthropicError.invalid(null, "after_id and before_id cannot both be given");
        }
        List<ModelInfo> all = chatModels(models);
        int from;
        int to;
        boolean more;
        if (beforeId != null) {
            to = indexOf(all, beforeId, "before_id");
            from = Math.max(0, to - size);
            more = from > 0;
        } else {
            from = afterId == null ? 0 : indexOf(all, afterId, "after_id") + 1;
            to = Math.min(all.size(), from + size);
            more = to < all.size();
        }
        ObjectNode root = F.objectNode();
        ArrayNode data = root.putArray("data");
        for (ModelInfo m : all.subList(from, to)) {
            data.add(model(m));
        }
        root.put("has_more", more);
        if (from < to) {
            root.put("first_id", all.get(from).id());
            root.put("last_id", all.get(to - 1).id());
        } else {
            root.putNull("first_id");
            root.putNull("last_id");
        }
        return root;
    }

    /** The model named {@code id}, or a 404 {@code not_found_error}. */
    public static ObjectNode find(List<ModelInfo> models, String id) {
        for (ModelInfo m : chatModels(models)) {
            if (m.id().equals(id)) {
                return model(m);
            }
        }
        throw new AnthropicError(
                404,
                AnthropicError.NOT_FOUND,
                "model: " + id + " is not offered by this gateway;" + " GET /v1/models lists the models it routes");
    }

    public static ObjectNode model(ModelInfo m) {
        ObjectNode o = F.objectNode();
        o.put("type", "model");
        o.put("id", m.id());
        o.put("display_name", m.id());
        o.put("created_at", UNKNOWN_CREATED_AT);
        o.put("lifecycle", "active");
        if (m.capabilities().contextTokens() > 0) {
            o.put("max_input_tokens", m.capabilities().contextTokens());
        }
        return o;
    }

    private static int limit(String raw) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        int n;
        try {
            n = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw AnthropicError.invalid("limit", "must be an integer from 1 to " + MAX_LIMIT + ", got '" + raw + "'");
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw AnthropicError.invalid("limit", "must be from 1 to " + MAX_LIMIT + ", got " + n);
        }
        return n;
    }

    private static int indexOf(List<ModelInfo> all, String id, String param) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id().equals(id)) {
                return i;
            }
        }
        throw AnthropicError.invalid(param, "'" + id + "' is not a model this gateway lists");
    }
}
