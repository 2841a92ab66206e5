package dev.caracal.gateway.openai.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.gateway.openai.http.codec.ChunkStream;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.gateway.openai.http.completions.CompletionChunks;
import dev.caracal.llm.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The server-sent events one streamed answer is written as, in one of OpenAI's stream formats: Chat Completions
 * chunks, legacy Completions chunks, or the Responses API's typed events. {@link StreamSession} asks it what to write
 * for each of the gateway's events and for a failure after the stream has started. Not thread-safe: the session calls
 * it under its lock.
 */
interface StreamEncoder {

    /** One SSE event: its {@code event:} name ({@code null}: none) and its {@code data}. */
    record Sse(String event, String data) {
        static Sse data(String data) {
            return new Sse(null, data);
        }
    }

    /**
     * The events to send for {@code event}, possibly none; for {@code End}, everything up to the stream's end
     * ({@code [DONE]} included in the formats that have it). Never called with {@code Error}.
     */
    List<Sse> on(StreamEvent event);

    /** What tells the client that the stream failed after it started (the stream ends after it). */
    List<Sse> failed(OpenAiError error);

    /**
     * Chunks as SSE data, then {@code [DONE]}; a failure is {@code data: {"error":...}}. The format of Chat Completions
     * ({@link ChunkStream#on}) and of legacy Completions ({@link CompletionChunks#on}) alike.
     */
    static StreamEncoder chunks(Function<StreamEvent, List<ObjectNode>> chunks) {
        return new StreamEncoder() {
            @Override
            public List<Sse> on(StreamEvent event) {
                List<Sse> out = new ArrayList<>();
                for (ObjectNode chunk : chunks.apply(event)) {
                    out.add(Sse.data(chunk.toString()));
                }
                if (event instanceof StreamEvent.End) {
                    out.add(Sse.data("[DONE]"));
                }
                return out;
            }

            @Override
            public List<Sse> failed(OpenAiError error) {
                return List.of(Sse.data(error.toJson().toString()));
            }
        };
    }
}
