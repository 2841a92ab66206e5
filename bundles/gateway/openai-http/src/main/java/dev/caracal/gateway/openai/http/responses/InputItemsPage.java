package dev.caracal.gateway.openai.http.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A page of a stored response's input items ({@code GET /v1/responses/{id}/input_items}), as OpenAI lists them:
 * {@code order} {@code desc} (the default: the last item first) or {@code asc}, at most {@code limit} items (1 to 100,
 * 20 by default), starting after the item {@code after} or ending before the item {@code before}; an
 * {@code object: list} with {@code first_id}, {@code last_id} and {@code has_more}.
 */
public final class InputItemsPage {
    /** The query parameters the list takes. */
    public static final Set<String> PARAMETERS = Set.of("limit", "order", "after", "before");

    private InputItemsPage() {}

    public static ObjectNode of(JsonNode items, Map<String, String> query) {
        int limit = limit(query.get("limit"));
        String order = query.getOrDefault("order", "desc");
        if (!order.equals("asc") && !order.equals("desc")) {
            throw InvalidRequestException.value("order", "must be 'asc' or 'desc', got '" + order + "'.");
        }
        List<JsonNode> all = new ArrayList<>();
        items.forEach(all::add);
        if (order.equals("desc")) {
            Collections.reverse(all);
        }
        int from = 0;
        int to = all.size();
        if (query.containsKey("after")) {
            from = indexOf(all, query.get("after"), "after") + 1;
        }
        if (query.containsKey("before")) {
            to = indexOf(all, query.get("before"), "before");
        }
        List<JsonNode> page = from >= to ? List.of() : all.subList(from, Math.min(to, from + limit));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        page.forEach(data::add);
        out.put("first_id", page.isEmpty() ? null : page.get(0).path("id").asText());
        out.put(
                "last_id",
                page.isEmpty() ? null : page.get(page.size() - 1).path("id").asText());
        out.put("has_more", from + page.size() < to);
        return out;
    }

    private static int limit(String value) {
        if (value == null) {
            return 20;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= 100) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw InvalidRequestException.value("limit", "must be an integer from 1 to 100, got '" + value + "'.");
    }

    private static int indexOf(List<JsonNode> items, String id, String param) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).path("id").asText().equals(id)) {
                return i;
            }
        }
        throw InvalidRequestException.value(param, "no input item with id '" + id + "' in this response.");
    }
}
