package dev.caracal.benchmarks.gateway;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;

/**
 * The API shape the load generator speaks, the same on every path (so that the gateway's path is one format in and
 * out, with no translation): OpenAI's chat completions or Anthropic's messages. Each ingress knows its path, model,
 * request body (streamed or not, with or without members the gateway does not model), credentials (Caracal's admin key
 * as a bearer token or as {@code x-api-key}; the upstream only checks that one is there) and how a complete stream
 * ends.
 */
enum Ingress {
    OPENAI("/v1/chat/completions", Canned.OPENAI_MODEL, "data: [DONE]", Canned.OPENAI_MARKER, "system_fingerprint"),
    ANTHROPIC("/v1/messages", Canned.ANTHROPIC_MODEL, "event: message_stop", Canned.ANTHROPIC_MARKER, "container"),
    /**
     * {@code GET /v1/models} in OpenAI's shape, which Caracal answers from its own configuration: no upstream
     * exchange, so the gateway's path is Karaf's Jetty in and out, authentication, rate limiting and one small JSON
     * answer. The floor under every gateway call; not streamed, no pass-through.
     */
    MODELS("/v1/models", Canned.OPENAI_MODEL, "", "", "");

    /** The version of Anthropic's API the requests ask for. */
    static final String ANTHROPIC_VERSION = "2023-06-01";

    private final String path;
    private final String model;
    private final String streamEnd;
    private final String marker;
    private final String markerMember;

    Ingress(String path, String model, String streamEnd, String marker, String markerMember) {
        this.path = path;
        this.model = model;
        this.streamEnd = streamEnd;
        this.marker = marker;
        this.markerMember = markerMember;
    }

    /** {@code openai}, {@code anthropic} or {@code models} (the value of {@code gateway.ingress}). */
    static Ingress named(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    /** Refuses a mode this shape has no answer for: {@link #MODELS} is neither streamed nor passed through. */
    void check(boolean stream, boolean passThrough) {
        if (this == MODELS && (stream || passThrough)) {
            throw new IllegalArgumentException(
                    "INGRESS=models is neither streamed nor passed through: drop STREAM and PASS_THROUGH");
        }
    }

    String path() {
        return path;
    }

    String model() {
        return model;
    }

    /** The text that ends a complete stream of this format; a stream without it was cut. */
    String streamEnd() {
        return streamEnd;
    }

    /** The value an answer with pass-through members carries, and the member that carries it. */
    String marker() {
        return marker;
    }

    String markerMember() {
        return markerMember;
    }

    /**
     * The request body: a one-word question with a small output limit. Streamed OpenAI requests ask for the usage
     * chunk ({@code stream_options.include_usage}), as the gateway's own provider does upstream, so every path gets
     * the same stream. With {@code passThrough}, members the gateway does not model (OpenAI's {@code store},
     * {@code service_tier}, {@code metadata}; Anthropic's {@code service_tier}), which it must send on verbatim.
     */
    String body(boolean stream, boolean passThrough) {
        if (this == MODELS) {
            return "";
        }
        String streamed = !stream
                ? ""
                : this == OPENAI ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : ",\"stream\":true";
        if (this == OPENAI) {
            return "{\"model\":\"" + model
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}],\"max_tokens\":8"
                    + (passThrough
                            ? ",\"store\":false,\"service_tier\":\"default\",\"metadata\":{\"run\":\"bench\"}"
                            : "")
                    + streamed + "}";
        }
        return "{\"model\":\"" + model + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]"
                + (passThrough ? ",\"service_tier\":\"auto\",\"metadata\":{\"user_id\":\"bench\"}" : "")
                + streamed + "}";
    }

    /** The request to {@code base} + this ingress's path, with this format's credentials and headers. */
    HttpRequest request(String base, String body, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (this != ANTHROPIC) {
            // the direct upstream only checks it is there; Caracal authenticates the call with it
            b.header("Authorization", "Bearer " + key);
        } else {
            b.header("x-api-key", key).header("anthropic-version", ANTHROPIC_VERSION);
        }
        if (this == MODELS) {
            return b.GET().build();
        }
        return b.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
