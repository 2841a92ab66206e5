package dev.caracal.llm.openai.internal;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.support.Delayer;
import dev.caracal.llm.support.Exchanger;
import dev.caracal.llm.support.HttpCalls;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.ProviderRuntime;
import dev.caracal.llm.support.RetryPolicy;
import dev.caracal.llm.support.Secret;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OpenAI (or OpenAI-compatible) endpoint: chat completions, streaming, batches, embeddings and the model list over
 * one pooled HTTP/1.1 transport ({@link Exchanger}). Thread-safe. {@link #close()} ends the streams in flight with an
 * {@code UNAVAILABLE} error event and refuses further calls.
 */
final class OpenAiChatModel implements ChatModel, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatModel.class);
    private static final String USER_AGENT = "caracal-llm-openai";

    private final Settings settings;
    private final Secret secret;
    private final Exchanger http;
    private final RequestMapper requests;
    private final ProviderRuntime runtime;
    private final HttpCalls.ErrorMapper errors;
    private final ModelCatalog catalog;

    OpenAiChatModel(Settings settings) {
        this(settings, Delayer.REAL);
    }

    OpenAiChatModel(Settings settings, Delayer delayer) {
        this.settings = Objects.requireNonNull(settings);
        this.secret = Secret.of(settings.apiKey());
        this.requests = new RequestMapper(settings.maxTokensField(), settings.id());
        this.errors = (status, headers, body) -> Errors.fromResponse(status, headers, body, secret);
        RetryPolicy retryPolicy = new RetryPolicy(
                settings.maxRetries(), settings.retryBaseDelay(), settings.retryMaxDelay(), Errors::retryable);
        // one transport for request/response exchanges and streams (see HttpCalls.newExchanger)
        this.http = HttpCalls.newExchanger("caracal-openai-" + settings.id() + "-http", settings.connectTimeout());
        this.runtime = new ProviderRuntime(
                "caracal-openai-" + settings.id(),
                "OpenAI provider " + settings.id(),
                settings.id(),
                http,
                retryPolicy,
                Objects.requireNonNull(delayer),
                settings.requestTimeout(),
                secret,
                settings.maxConcurrency());
        this.catalog = new ModelCatalog(this, settings);
    }

    Settings settings() {
        return settings;
    }

    Secret secret() {
        return secret;
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

    /** The wait for {@link #completeAsync}: the same request, retries, answer and failures, on the calling thread. */
    @Override
    public ChatResponse complete(ChatRequest request) {
        return HttpCalls.await(completeAsync(request));
    }

    /**
     * Sends the completion and returns at once, with the request, retries, answer and failures of {@link #complete}; a
     * closed instance or an invalid request gives a future already failed. The answer is parsed on the thread that
     * completes the exchange (bodies are small); which threads complete the future is told at
     * {@link ProviderRuntime#withRetriesAsync}: callers whose dependent stages block add them with their own executor.
     */
    @Override
    public CompletableFuture<ChatResponse> completeAsync(ChatRequest request) {
        return runtime.callAsync(() -> {
            String body = Json.write(requests.toBody(request, false));
            return runtime.withRetriesAsync(
                    "chat completion",
                    () -> HttpCalls.thenApply(
                            callAsync(post("/chat/completions", body, false, request.extras())),
                            text -> toResponse(text, request)),
                    LOG);
        });
    }

    private static ChatResponse toResponse(String text, ChatRequest request) {
        return toResponse(text, request.model(), keepsExtras(request));
    }

    /**
     * The answer in a 2xx body: the upstream's {@code chat.completion}, its unmodeled members kept when
     * {@code keepExtras}; an {@link dev.caracal.llm.LlmException} when the body is not one.
     */
    static ChatResponse toResponse(String text, String requestedModel, boolean keepExtras) {
        return CompletionReader.read(text, requestedModel, keepExtras);
    }

    /** Whether the client speaks this provider's format, so the answer's unmodeled members go back to it. */
    static boolean keepsExtras(ChatRequest request) {
        return RequestMapper.FORMAT.equals(request.extras().format());
    }

    @Override
    public StreamHandle stream(ChatRequest request, StreamHandler handler) {
        return runtime.stream(handler, () -> {
            String body = Json.write(requests.toBody(request, true));
            return new ChatStream(
                    () -> post("/chat/completions", body, true, request.extras()),
                    request.model(),
                    secret,
                    keepsExtras(request));
        });
    }

    @Override
    public List<CompletionStage<ChatResponse>> batch(List<ChatRequest> batch, int maxConcurrency) {
        return runtime.batchAsync(batch, maxConcurrency, this::completeAsync);
    }

    // ---- HTTP ----

    HttpRequest post(String path, String json, boolean stream) {
        return post(path, json, stream, RequestExtras.NONE);
    }

    /** A POST carrying the client's headers this provider forwards ({@link Settings#forwardHeaders}). */
    HttpRequest post(String path, String json, boolean stream, RequestExtras extras) {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        settings.forwardHeaders().apply(b, extras);
        return b.build();
    }

    HttpRequest get(String path) {
        return request(path).header("Accept", "application/json").GET().build();
    }

    private HttpRequest.Builder request(String path) {
        URI uri = settings.endpoint(path);
        HttpRequest.Builder b =
                HttpRequest.newBuilder(uri).timeout(settings.requestTimeout()).header("User-Agent", USER_AGENT);
        if (settings.hasApiKey()) {
            b.header("Authorization", "Bearer " + settings.apiKey());
        }
        if (settings.organization() != null) {
            b.header("OpenAI-Organization", settings.organization());
        }
        if (settings.project() != null) {
            b.header("OpenAI-Project", settings.project());
        }
        return b;
    }

    /** Sends and reads the whole answer; a 2xx body is returned, anything else is thrown as an LlmException. */
    String call(HttpRequest request) {
        return HttpCalls.send(http, request, settings.requestTimeout(), secret, errors);
    }

    /** {@link #call} without waiting (for the threads that complete it, see {@link #completeAsync}). */
    private CompletableFuture<String> callAsync(HttpRequest request) {
        return runtime.sendAsync(http, request, settings.requestTimeout(), errors);
    }

    /** Runs {@code attempt} until it succeeds, fails for good or the retries are used up. */
    <T> T withRetries(String what, Supplier<T> attempt) {
        return runtime.withRetries(what, attempt, LOG);
    }

    void ensureOpen() {
        runtime.ensureOpen();
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
        return "OpenAiChatModel[" + settings.id() + " at " + settings.baseUrl() + "]";
    }
}
