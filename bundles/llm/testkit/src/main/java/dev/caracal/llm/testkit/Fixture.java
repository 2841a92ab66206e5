package dev.caracal.llm.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * One aimock fixture: what a request must look like (match) and what the mock answers (response), plus how it is
 * delivered. aimock serves the first fixture that matches, in the order they were added; an unmatched chat request is
 * a 404 {@code no_fixture_match}, an unmatched embedding request gets a deterministic vector derived from the text.
 * The same fixture answers every protocol aimock speaks (OpenAI chat completions, Anthropic messages, Ollama, ...).
 *
 * <pre>{@code
 * Fixture.whenUserSays("weather").toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}")
 * Fixture.whenUserSays("flaky").sequenceIndex(0).error(429, "rate_limit_error", "slow down").retryAfterSeconds(2)
 * Fixture.whenUserSays("story").reply("Once upon a time").chunkSize(4).latencyPerChunkMs(5).truncateAfterChunks(3)
 * }</pre>
 *
 * Fixtures are mutable builders; a fixture handed to {@link MockUpstream} is serialized at that moment.
 */
public final class Fixture {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectNode entry;

    private Fixture(ObjectNode entry) {
        this.entry = entry;
        if (!entry.has("match")) {
            entry.set("match", NODES.objectNode());
        }
        if (!entry.has("response")) {
            entry.set("response", NODES.objectNode());
        }
    }

    private static Fixture matching(String field, String value) {
        Fixture f = new Fixture(NODES.objectNode());
        f.match().put(field, Objects.requireNonNull(value, field));
        return f;
    }

    /** Matches when the last user message contains {@code substring}. */
    public static Fixture whenUserSays(String substring) {
        return matching("userMessage", substring);
    }

    /** Matches when the system messages contain {@code substring}. */
    public static Fixture whenSystemSays(String substring) {
        return matching("systemMessage", substring);
    }

    /** Matches an embeddings request whose inputs, joined with spaces, contain {@code substring}. */
    public static Fixture whenEmbeddingInput(String substring) {
        Fixture f = matching("inputText", substring);
        f.match().put("endpoint", "embedding");
        return f;
    }

    /** Matches when the request offers a tool named {@code toolName}. */
    public static Fixture whenToolOffered(String toolName) {
        return matching("toolName", toolName);
    }

    /** Matches when the request's last message is the result of the tool call {@code toolCallId}. */
    public static Fixture whenToolResult(String toolCallId) {
        return matching("toolCallId", toolCallId);
    }

    /** Matches every request (a catch-all: add it last). */
    public static Fixture always() {
        return new Fixture(NODES.objectNode());
    }

    /** A fixture written as aimock JSON: {@code {"match": {...}, "response": {...}, ...}}. */
    public static Fixture raw(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException("a fixture is a JSON object");
            }
            return new Fixture(object);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ---- further match conditions (all must hold) ----

    /** Only for requests naming this model. */
    public Fixture model(String model) {
        match().put("model", model);
        return this;
    }

    /** Only for the n-th (0-based) request that matches this fixture's other conditions. */
    public Fixture sequenceIndex(int n) {
        match().put("sequenceIndex", n);
        return this;
    }

    /** Only when the conversation holds exactly {@code n} assistant messages. */
    public Fixture turnIndex(int n) {
        match().put("turnIndex", n);
        return this;
    }

    /** Only when the current turn does (or does not) carry a tool result. */
    public Fixture hasToolResult(boolean value) {
        match().put("hasToolResult", value);
        return this;
    }

    /** Only when the last message is a tool result whose text contains {@code substring}. */
    public Fixture toolResultContains(String substring) {
        match().put("toolResultContains", substring);
        return this;
    }

    /** Only for one endpoint kind: {@code chat}, {@code embedding}, {@code image}, ... */
    public Fixture endpoint(String endpoint) {
        match().put("endpoint", endpoint);
        return this;
    }

    /** Only for requests whose {@code response_format.type} is this ({@code json_object}, {@code json_schema}). */
    public Fixture responseFormat(String type) {
        match().put("responseFormat", type);
        return this;
    }

    // ---- responses ----

    /** Answer with this text (it may be combined with {@link #toolCall}). */
    public Fixture reply(String text) {
        response().put("content", text);
        return this;
    }

    /**
     * Answer with this reasoning ahead of the text or tool calls: Anthropic {@code thinking} blocks (signed with
     * aimock's placeholder unless {@link #reasoningSignature} gives one), OpenAI-compatible {@code reasoning_content};
     * on its Ollama endpoint aimock also writes {@code message.reasoning_content}, not Ollama's {@code thinking}.
     */
    public Fixture reasoning(String text) {
        response().put("reasoning", text);
        return this;
    }

    /** The signature of the Anthropic thinking block of {@link #reasoning}. */
    public Fixture reasoningSignature(String signature) {
        response().put("reasoningSignature", signature);
        return this;
    }

    /** Anthropic {@code redacted_thinking} blocks (opaque data), emitted ahead of the thinking block. */
    public Fixture redactedThinking(String... data) {
        ArrayNode blocks = response().putArray("redactedThinking");
        for (String d : data) {
            blocks.add(d);
        }
        return this;
    }

    /** Answer with a tool call, the id minted by aimock. */
    public Fixture toolCall(String name, String argumentsJson) {
        return toolCall(null, name, argumentsJson);
    }

    /** Answer with a tool call ({@code id} {@code null}: minted by aimock); call it again for parallel tool calls. */
    public Fixture toolCall(String id, String name, String argumentsJson) {
        ArrayNode calls = response().has("toolCalls")
                ? (ArrayNode) response().get("toolCalls")
                : response().putArray("toolCalls");
        ObjectNode call = calls.addObject();
        if (id != null) {
            call.put("id", id);
        }
        call.put("name", name);
        call.put("arguments", argumentsJson == null ? "{}" : argumentsJson);
        return this;
    }

    /** Answer an embeddings request with this vector for every input. */
    public Fixture embedding(double... vector) {
        ArrayNode array = response().putArray("embedding");
        for (double v : vector) {
            array.add(v);
        }
        return this;
    }

    /**
     * Answer with an HTTP error in the provider's error envelope ({@code {"error": {"message", "type", "code"}}} for
     * OpenAI). A 429 carries {@code Retry-After} (1 second unless {@link #retryAfterSeconds} says otherwise).
     */
    public Fixture error(int status, String type, String message) {
        ObjectNode error = response().putObject("error");
        error.put("message", message);
        if (type != null) {
            error.put("type", type);
        }
        response().put("status", status);
        return this;
    }

    /** The {@code code} of the error envelope, for example {@code context_length_exceeded}. */
    public Fixture errorCode(String code) {
        if (!response().has("error")) {
            throw new IllegalStateException("call error(...) first");
        }
        ((ObjectNode) response().get("error")).put("code", code);
        return this;
    }

    /** The {@code Retry-After} header of a 429 answer, in whole seconds (aimock sends it on 429 only). */
    public Fixture retryAfterSeconds(int seconds) {
        response().put("retryAfter", seconds);
        return this;
    }

    /** The token usage reported (otherwise aimock estimates it from the text length). */
    public Fixture usage(int promptTokens, int completionTokens) {
        ObjectNode usage = response().putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return this;
    }

    /** The {@code system_fingerprint} an OpenAI-format answer (and each of its chunks) reports. */
    public Fixture systemFingerprint(String fingerprint) {
        response().put("systemFingerprint", fingerprint);
        return this;
    }

    /** The finish reason reported ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}). */
    public Fixture finishReason(String finishReason) {
        response().put("finishReason", finishReason);
        return this;
    }

    /** The model name the answer reports (otherwise the requested model is echoed). */
    public Fixture answeredBy(String model) {
        response().put("model", model);
        return this;
    }

    /** The answer's id; {@code null} leaves it to aimock, which mints one. */
    public Fixture responseId(String id) {
        if (id != null) {
            response().put("id", id);
        }
        return this;
    }

    // ---- delivery ----

    /** Characters of text per streamed chunk (aimock's default sends the text in one chunk). */
    public Fixture chunkSize(int chars) {
        entry.put("chunkSize", chars);
        return this;
    }

    /** A pause before each streamed chunk. */
    public Fixture latencyPerChunkMs(int ms) {
        entry.put("latency", ms);
        return this;
    }

    /**
     * Cut a streamed answer after {@code chunks} SSE chunks by destroying the connection (no {@code [DONE]}). Give the
     * fixture a small {@link #latencyPerChunkMs} too, or the chunks may still sit in the server's socket buffer
     * when it is destroyed and the client sees no byte at all.
     */
    public Fixture truncateAfterChunks(int chunks) {
        entry.put("truncateAfterChunks", chunks);
        return this;
    }

    /** Destroy the connection of a streamed answer {@code ms} after it started. */
    public Fixture disconnectAfterMs(int ms) {
        entry.put("disconnectAfterMs", ms);
        return this;
    }

    /** Fault injection for this fixture only (overrides the server-wide chaos field by field). */
    public Fixture chaos(Chaos chaos) {
        entry.set("chaos", chaos.toJson());
        return this;
    }

    /** The aimock JSON of this fixture (a copy). */
    public ObjectNode toJson() {
        return entry.deepCopy();
    }

    @Override
    public String toString() {
        return entry.toString();
    }

    private ObjectNode match() {
        return (ObjectNode) entry.get("match");
    }

    private ObjectNode response() {
        return (ObjectNode) entry.get("response");
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
