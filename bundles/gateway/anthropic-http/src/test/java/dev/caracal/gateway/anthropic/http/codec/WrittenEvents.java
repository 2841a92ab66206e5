package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.json.Json;
import dev.caracal.llm.StreamEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** An {@link EventSink} keeping each event written, its data parsed, for tests to compare as trees. */
final class WrittenEvents implements EventSink {
    private static final JsonFactory JSON = new JsonFactory();

    private final List<SseEvent> events = new ArrayList<>();
    private String name;
    private StringWriter text;
    private JsonGenerator generator;

    /** The events {@code encoder} writes for {@code event}. */
    static List<SseEvent> on(MessageStreamEncoder encoder, StreamEvent event) {
        WrittenEvents sink = new WrittenEvents();
        try {
            encoder.encode(event, sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sink.events;
    }

    @Override
    public JsonGenerator begin(String name) throws IOException {
        this.name = name;
        text = new StringWriter();
        generator = JSON.createGenerator(text);
        return generator;
    }

    @Override
    public void end() throws IOException {
        generator.close();
        whole(name, text.toString());
    }

    @Override
    public void whole(String name, String json) throws IOException {
        events.add(new SseEvent(name, (ObjectNode) Json.mapper().readTree(json)));
    }
}
