package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.caracal.llm.ResponseExtras;
import dev.caracal.llm.support.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The members of a {@code chat.completion.chunk} the decoder does not model, each at its JSON Pointer as the raw JSON
 * text the tree-based decoder kept ({@link Json#write} of its value: numbers as Jackson writes them, {@code 2.50} as
 * {@code 2.5}; made without the tree by {@link RawValues}), for an OpenAI client ({@link ResponseExtras}). A member is unmodeled at the places the chunk's
 * {@link ResponseMapper#COMPLETION shape} reads into: the chunk, its first choice, that choice's delta, the usage and
 * its prompt details.
 *
 * <p>OpenAI repeats the same members with the same values on every chunk ({@code system_fingerprint},
 * {@code service_tier}): the pointer of each name and the raw text of its last string value are remembered, so a
 * repeated one costs no allocation. Not thread-safe: one per stream attempt.
 */
final class ChunkExtras {
    static final int ROOT = 0;
    static final int CHOICE = 1;
    static final int DELTA = 2;
    static final int USAGE = 3;
    static final int PROMPT_DETAILS = 4;

    private static final String[] PREFIXES = {
        "", "/choices/0", "/choices/0/delta", "/usage", "/usage/prompt_tokens_details"
    };
    /** Names remembered per place at most: an upstream that invents names per chunk does not grow the memory. */
    private static final int REMEMBERED = 32;

    /** A name's pointer at one place, and the last string value met there with its raw text. */
    private static final class Member {
        final String pointer;
        String text;
        String raw;

        Member(String pointer) {
            this.pointer = pointer;
        }
    }

    @SuppressWarnings("unchecked")
    private final Map<String, Member>[] remembered = new Map[PREFIXES.length];

    /** The raw text of the values that are not strings or booleans. */
    private final RawValues values = new RawValues();

    /** This chunk's members; {@link ResponseExtras} copies them, so the map is reused. */
    private final Map<String, String> members = new LinkedHashMap<>();

    ChunkExtras() {
        for (int i = 0; i < remembered.length; i++) {
            remembered[i] = new HashMap<>();
        }
    }

    void clear() {
        members.clear();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    /** This chunk's members as extras of an OpenAI chunk. */
    ResponseExtras extras() {
        return new ResponseExtras(RequestMapper.FORMAT, ResponseExtras.CHUNK, members);
    }

    /** Keeps member {@code name} at {@code place}, whose value (not JSON null) starts at token {@code t}. */
    void add(int place, String name, JsonParser p, JsonToken t) throws IOException {
        Member m = remembered[place].get(name);
        if (m == null) {
            m = new Member(PREFIXES[place] + "/" + escape(name));
            if (remembered[place].size() < REMEMBERED) {
                remembered[place].put(name, m);
            }
        }
        String raw;
        if (t == JsonToken.VALUE_STRING) {
            if (m.text == null || !sameText(p, m.text)) {
                m.text = p.getText();
                m.raw = RawValues.quoted(m.text);
            }
            raw = m.raw;
        } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            raw = t == JsonToken.VALUE_TRUE ? "true" : "false";
        } else {
            raw = values.text(p, t); // numbers, objects, arrays: as the tree-based decoder wrote them
        }
        members.put(m.pointer, raw);
    }

    /** Whether the current string token is {@code text}, compared in the parser's buffer. */
    private static boolean sameText(JsonParser p, String text) throws IOException {
        int length = p.getTextLength();
        if (length != text.length()) {
            return false;
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        for (int i = 0; i < length; i++) {
            if (chars[offset + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A member name as a JSON Pointer reference token (RFC 6901: {@code ~} as {@code ~0}, {@code /} as {@code ~1}). */
    static String escape(String name) {
        if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
            return name;
        }
        return name.replace("~", "~0").replace("/", "~1");
    }
}
