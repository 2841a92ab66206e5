package dev.caracal.llm.anthropic.internal;

import dev.caracal.llm.ResponseExtras;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The members of a {@code message_start} or {@code message_delta} event the stream's decoder does not model, each at
 * its JSON Pointer as the raw JSON text the tree-based decoder kept ({@link dev.caracal.llm.support.Json#write} of its
 * value: {@code 2.50} as {@code 2.5}), for an Anthropic client ({@link ResponseExtras}). They are the members that
 * {@link ResponseMapper#MESSAGE_START} and {@link ResponseMapper#MESSAGE_DELTA} do not read, found at the places those
 * shapes read into. Not thread-safe: one per stream attempt.
 */
final class EventExtras {
    static final int ROOT = 0;
    static final int MESSAGE = 1;
    static final int MESSAGE_USAGE = 2;
    static final int DELTA = 3;
    static final int USAGE = 4;

    private static final String[] PREFIXES = {"", "/message", "/message/usage", "/delta", "/usage"};

    /** This event's members; {@link ResponseExtras} copies them, so the map is reused. */
    private final Map<String, String> members = new LinkedHashMap<>();

    void clear() {
        members.clear();
    }

    /** Keeps member {@code name} of the object at {@code place}, with its raw JSON text. */
    void add(int place, String name, String raw) {
        members.put(PREFIXES[place] + "/" + escape(name), raw);
    }

    /** This event's members as extras of the event type {@code scope}, or {@link ResponseExtras#NONE}. */
    ResponseExtras extras(String scope) {
        return members.isEmpty() ? ResponseExtras.NONE : new ResponseExtras(RequestMapper.FORMAT, scope, members);
    }

    /** A member name as a JSON Pointer reference token (RFC 6901: {@code ~} as {@code ~0}, {@code /} as {@code ~1}). */
    static String escape(String name) {
        if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
            return name;
        }
        return name.replace("~", "~0").replace("/", "~1");
    }
}
