package dev.caracal.gateway.anthropic.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Where a stream's server-sent events are written, each a name and one JSON object: the ingress frames each as an
 * event as it ends. Events are written with a {@link JsonGenerator} straight into the sink's reused buffer (a tree per
 * event, then its text, was most of what writing a stream allocated: issue 15).
 */
public interface EventSink {

    /** The generator to write the data of the next event, named {@code name}, with (a JSON object, then {@link #end()}). */
    JsonGenerator begin(String name) throws IOException;

    /** The event begun last is whole. */
    void end() throws IOException;

    /** A whole event named {@code name}, its data as JSON text (one rendered as a tree). */
    void whole(String name, String json) throws IOException;
}
