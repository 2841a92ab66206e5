package dev.caracal.llm.ollama.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.support.Delayer;
import dev.caracal.llm.support.Exchanger;
import dev.caracal.llm.support.HttpCalls;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.ProviderRuntime;
import dev.caracal.llm.support.RetryPolicy;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Ollama server: {@code /api/chat} (whole and NDJSON-streamed), batches, {@code /api/embed} for the embedding
 * models and {@code /api/tags} + {@code /api/show} for the model list, over one pooled HTTP/1.1 transport ({@link Exchanger}).
 * Retries, streaming machinery and batches come from the support library; the Ollama wire format is here and in
 * {@link RequestMapper}, {@link ResponseMapper}, {@link NdjsonChatStream} and {@link OllamaErrors}. Thread-safe.
 * {@link #close()} ends the streams in flight with an {@code UNAVAILABLE} error event and refuses further calls.
 */
final class OllamaChatModel implements ChatModel, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OllamaChatModel.class);
    private static final String USER_AGENT = "caracal-llm-ollama";
    static final String CHAT_PATH = "/api/chat";
    /** Model-list and model-info calls wait at most this long (they load no model), or less if so configured. */
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);

    private final Settings settings;
    private final OllamaErrors errors;
    private final Exchanger http;
    private final RequestMapper requests;
    private final ProviderRuntime runtime;
    private final ModelCatalog catalog;

    OllamaChatModel(Settings settings) {
        this(settings, Delayer.REAL);
    }

    OllamaChatModel(Settings settings, Delayer delayer) {
        this.settings = Objects.requireNonNull(settings);
        this.errors = new OllamaErrors(settings.baseUrl(), settings.apiKey());
        this.requests = new RequestMapper(settings.keepAlive(), settings.id());
        RetryPolicy retryPolicy =
                new RetryPolicy(settings.maxRetries(), settings.retryBaseDelay(), settings.retryMaxDelay());
        // one transport for request/response exchanges and streams (see HttpCalls.newExchanger)
        this.http = HttpCalls.newExchanger("caracal-ollama-" + settings.id() + "-http", settings.connectTimeout());
        this.runtime = new ProviderRuntime(
                "caracal-ollama-" + settings.id(),
                "Ollama provider " + settings.id(),
                settings.id(),
                http,
                retryPolicy,
                Objects.requireNonNull(delayer),
                settings.requestTimeout(),
                settings.apiKey(),
                settings.maxConcurrency());
        this.catalog = new ModelCatalog(this, settings);
    }

    Settings settings() {
        return settings;
    }

    OllamaErrors errors() {
        return errors;
    }

    @Override
    public String providerId() {
        return settings.id();
    }

    @Override
    public List<ModelInfo> models() {
        ensureOpen();
        return catalog.models();
    }

    /** An id for an answer: Ollama gives none. */
    static String newResponseId() {
        return "ollama-" + UUID.randomUUID();
    }

    /** The wait for {@link #completeAsync}: the same request, retries, answer and failures, on the calling thread. */
    @Override
    public ChatResponse complete(ChatRequest request) {
        try {
            return HttpCalls.await(completeAsync(request));
        } catch (LlmException e) { // an interrupted wait names the server too, as every failure without an answer
            throw errors.refine(e);
        }
    }

    /**
     * Sends the chat request and returns at once, with the request, retries, answer and failures of
     * {@link #complete}; a closed instance or an invalid request gives a future already failed. The answer is parsed
     * on the thread that completes the exchange (bodies are small); which threads complete the future is told at
     * {@link ProviderRuntime#withRetriesAsync}: callers whose dependent stages block add them with their own executor.
     */
    @Override
    public CompletableFuture<ChatResponse> completeAsync(ChatRequest request) {
        return runtime.callAsync(() -> {
            String body = Json.write(requests.toBody(request, false));
            String id = newResponseId();
            return runtime.withRetriesAsync(
                    "chat",
                    () -> HttpCalls.thenApply(callAsync(post(CHAT_PATH, body)), text -> toResponse(text, request, id)),
                    LOG);
        });
    }

    private ChatResponse toResponse(String text, ChatRequest request, String id) {
        JsonNode root = Json.tryParse(text);
        if (root == null) {
            throw errors.malformed("chat answer", text);
        }
        return ResponseMapper.toResponse(root, request.model(), id);
    }

    @Override
    public StreamHandle stream(ChatRequest request, StreamHandler handler) {
        // failures without an answer are mapped by the support library, which does not know the server: name it
        StreamHandler named = event -> handler.onEvent(
                event instanceof StreamEvent.Error error ? new StreamEvent.Error(errors.refine(error.error())) : event);
        return runtime.stream(handler, named, () -> {
            String body = Json.write(requests.toBody(request, true));
            return new NdjsonChatStream(() -> post(CHAT_PATH, body), request.model(), errors);
        });
    }

    @Override
    public List<CompletionStage<ChatResponse>> batch(List<ChatRequest> batch, int maxConcurrency) {
        return runtime.batchAsync(batch, maxConcurrency, this::completeAsync);
    }

    // ---- HTTP ----

    HttpRequest post(String path, String json) {
        return post(path, json, settings.requestTimeout());
    }

    HttpRequest post(String path, String json, Duration timeout) {
        return request(path, timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build();
    }

    /** A GET for metadata, bounded by {@link #metadataTimeout()}. */
    HttpRequest get(String path) {
        return request(path, metadataTimeout()).GET().build();
    }

    Duration metadataTimeout() {
        return settings.requestTimeout().compareTo(METADATA_TIMEOUT) < 0 ? settings.requestTimeout() : METADATA_TIMEOUT;
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.endpoint(path))
                .timeout(timeout)
                .header("User-Agent", USER_AGENT)
                .header("Accept", "application/json, application/x-ndjson");
        if (settings.apiKey().isPresent()) {
            b.header("Authorization", "Bearer " + settings.apiKey().reveal());
        }
        return b;
    }

    /** Sends and reads the whole answer; a 2xx body is returned, anything else is thrown as an LlmException. */
    String call(HttpRequest request) {
        try {
            return HttpCalls.send(http, request, timeoutOf(request), settings.apiKey(), errors::fromResponse);
        } catch (LlmException e) {
            throw errors.refine(e);
        }
    }

    /** {@link #call} without waiting (for the threads that complete it, see {@link #completeAsync}). */
    private CompletableFuture<String> callAsync(HttpRequest request) {
        return HttpCalls.mapFailure(
                runtime.sendAsync(http, request, timeoutOf(request), errors::fromResponse), errors::refine);
    }

    private Duration timeoutOf(HttpRequest request) {
        return request.timeout().orElse(settings.requestTimeout());
    }

    /** Runs {@code attempt} until it succeeds, fails for good or the retries are used up. */
    <T> T withRetries(String what, Supplier<T> attempt) {
        return runtime.withRetries(what, attempt, LOG);
    }

    void ensureOpen() {
        runtime.ensureOpen();
    }

    boolean isClosed() {
        return runtime.isClosed();
    }

    @Override
    public void close() {
        try {
            runtime.close();
        } finally {
            http.close(); // its calls in flight fail; the runtime already refuses new ones
        }
    }

    @Override
    public String toString() {
        return "OllamaChatModel[" + settings.id() + " at " + settings.baseUrl() + "]";
    }
}
