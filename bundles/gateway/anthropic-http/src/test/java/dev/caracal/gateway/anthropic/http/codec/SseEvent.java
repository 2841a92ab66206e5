package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/** One server-sent event of a streamed answer, as tests compare it: the {@code event:} name and the JSON {@code data:}. */
record SseEvent(String name, ObjectNode data) {
    SseEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
    }
}
