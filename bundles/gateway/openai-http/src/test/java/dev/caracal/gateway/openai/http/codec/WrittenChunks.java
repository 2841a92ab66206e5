package dev.caracal.gateway.openai.http.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.StreamEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A {@link ChunkSink} keeping each chunk written, parsed, for tests to compare as trees. */
public final class WrittenChunks implements ChunkSink {
    private static final JsonFactory JSON = new JsonFactory();

    /** Something writing chunks. */
    @FunctionalInterface
    public interface Writes {
        void to(ChunkSink sink) throws IOException;
    }

    private final List<JsonNode> chunks = new ArrayList<>();
    private StringWriter text;
    private JsonGenerator generator;

    /** The chunks {@code writes} writes. */
    public static List<JsonNode> of(Writes writes) {
        WrittenChunks sink = new WrittenChunks();
        try {
            writes.to(sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sink.chunks;
    }

    /** The chunks {@code stream} writes for {@code event}. */
    public static List<JsonNode> on(ChunkStream stream, StreamEvent event) {
        return of(sink -> stream.on(event, sink));
    }

    @Override
    public JsonGenerator begin() throws IOException {
        text = new StringWriter();
        generator = JSON.createGenerator(text);
        return generator;
    }

    @Override
    public void end() throws IOException {
        generator.close();
        whole(text.toString());
    }

    @Override
    public void whole(String json) throws IOException {
        chunks.add(Json.mapper().readTree(json));
    }
}
