package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.CacheControl;
import dev.caracal.llm.ContentPart;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic's prompt-cache breakpoints as OpenAI-format clients of Claude send them (the LiteLLM and OpenRouter
 * convention): a {@code cache_control} object on a message's content part, or on a tool beside its
 * {@code function}. Read into the normalized request's {@link CacheControl}, so that an Anthropic provider sends each
 * where the client put it; other providers cache prompt prefixes by themselves.
 */
final class CacheControls {
    private CacheControls() {}

    /**
     * The {@code cache_control} of {@code obj} at {@code p}, or {@code null}: an object with a string {@code type}
     * (and a string {@code ttl} when given), kept verbatim; its values are the provider's to judge.
     */
    static CacheControl read(JsonNode obj, String p) {
        JsonNode marker = Fields.get(obj, "cache_control");
        if (marker == null) {
            return null;
        }
        String mp = Fields.path(p, "cache_control");
        if (!marker.isObject()) {
            throw InvalidRequestException.type(mp, "an object");
        }
        Fields.requiredNonEmptyString(marker, "type", Fields.path(mp, "type"));
        Fields.optionalString(marker, "ttl", Fields.path(mp, "ttl"));
        return new CacheControl(marker.toString());
    }

    /**
     * A message's text parts, concatenated as OpenAI concatenates them, as the fewest text blocks that keep each
     * breakpoint: a block ends after each part that carries a marker, and carries it. Without markers this is one
     * block of the whole text ({@code texts} and {@code markers} are the parts' texts and markers, in order).
     */
    static List<ContentPart.Text> blocks(List<String> texts, List<CacheControl> markers) {
        List<ContentPart.Text> blocks = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            pending.append(texts.get(i));
            if (markers.get(i) != null) {
                blocks.add(new ContentPart.Text(pending.toString(), markers.get(i)));
                pending.setLength(0);
            }
        }
        if (pending.length() > 0 || blocks.isEmpty()) {
            blocks.add(new ContentPart.Text(pending.toString()));
        }
        return blocks;
    }
}
