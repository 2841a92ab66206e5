package dev.caracal.gateway.openai.http.internal;

import dev.caracal.gateway.openai.http.codec.ChunkSink;
import dev.caracal.gateway.openai.http.codec.ChunkStream;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.gateway.openai.http.completions.CompletionChunks;
import dev.caracal.llm.StreamEvent;
import java.io.IOException;

/**
 * The server-sent events one streamed answer is written as, in one of OpenAI's stream formats: Chat Completions
 * chunks, legacy Completions chunks, or the Responses API's typed events. {@link StreamSession} asks it to write, into
 * the stream's {@link SseBuffer}, what to send for each of the gateway's events and for a failure after the stream
 * has started. Not thread-safe: the session calls it under its lock.
 */
interface StreamEncoder {

    /**
     * Writes the events to send for {@code event}, possibly none; for {@code End}, everything up to the stream's end
     * ({@code [DONE]} included in the formats that have it). Never called with {@code Error}.
     */
    void on(StreamEvent event, SseBuffer out) throws IOException;

    /** Writes what tells the client that the stream failed after it started (the stream ends after it). */
    void failed(OpenAiError error, SseBuffer out) throws IOException;

    /** The chunks a stream of Chat Completions' shape writes for each event ({@link ChunkStream#on} and the like). */
    @FunctionalInterface
    interface Chunks {
        int on(StreamEvent event, ChunkSink out) throws IOException;
    }

    /**
     * Chunks as SSE data, then {@code [DONE]}; a failure is {@code data: {"error":...}}. The format of Chat Completions
     * ({@link ChunkStream#on}) and of legacy Completions ({@link CompletionChunks#on}) alike.
     */
    static StreamEncoder chunks(Chunks chunks) {
        return new StreamEncoder() {
            @Override
            public void on(StreamEvent event, SseBuffer out) throws IOException {
                chunks.on(event, out);
                if (event instanceof StreamEvent.End) {
                    out.event(null, "[DONE]");
                }
            }

            @Override
            public void failed(OpenAiError error, SseBuffer out) {
                out.event(null, error.toJson().toString());
            }
        };
    }
}
