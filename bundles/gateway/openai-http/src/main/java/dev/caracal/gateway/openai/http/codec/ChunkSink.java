package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Where a stream's chunks are written, one JSON object each: the ingress frames each as a server-sent event as it
 * ends. Chunks are written with a {@link JsonGenerator} straight into the sink's reused buffer (a tree per chunk, then
 * its text, was most of what writing a stream allocated: issue 15).
 */
public interface ChunkSink {

    /** The generator to write the next chunk with, at the root (a JSON object, then {@link #end()}). */
    JsonGenerator begin() throws IOException;

    /** The chunk written since {@link #begin()} is whole. */
    void end() throws IOException;

    /** A whole chunk, as its JSON text (one rendered otherwise, or an error object). */
    void whole(String json) throws IOException;
}
