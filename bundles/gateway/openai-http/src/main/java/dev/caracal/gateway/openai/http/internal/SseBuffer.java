package dev.caracal.gateway.openai.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.caracal.core.http.EventStreamBuffer;
import dev.caracal.gateway.openai.http.codec.ChunkSink;
import java.io.IOException;

/**
 * A stream's server-sent events (the core's {@link EventStreamBuffer}) as the sink the codecs write chunks into: every
 * chunk an unnamed event, as OpenAI streams send them.
 */
final class SseBuffer extends EventStreamBuffer implements ChunkSink {

    @Override
    public JsonGenerator begin() throws IOException {
        return begin(null);
    }

    @Override
    public void whole(String json) {
        event(null, json);
    }
}
