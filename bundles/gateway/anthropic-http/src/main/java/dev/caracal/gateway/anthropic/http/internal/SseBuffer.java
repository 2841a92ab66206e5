package dev.caracal.gateway.anthropic.http.internal;

import dev.caracal.core.http.EventStreamBuffer;
import dev.caracal.gateway.anthropic.http.codec.EventSink;

/**
 * A stream's server-sent events (the core's {@link EventStreamBuffer}) as the sink the codec writes events into: every
 * event named, as Anthropic streams send them.
 */
final class SseBuffer extends EventStreamBuffer implements EventSink {

    @Override
    public void whole(String name, String json) {
        event(name, json);
    }
}
