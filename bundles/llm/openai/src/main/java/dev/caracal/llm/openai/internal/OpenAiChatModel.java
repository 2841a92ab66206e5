package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.support.Batches;
import dev.caracal.llm.support.Delayer;
import dev.caracal.llm.support.HttpCalls;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.RetryPolicy;
import dev.caracal.llm.support.Secret;
import dev.caracal.llm.support.StreamingCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OpenAI (or OpenAI-compatible) endpoint: chat completions, streaming, batches, embeddings and the model list over
 * one pooled HTTP/1.1 {@link HttpClient}. Thread-safe. {@link #close()} ends the streams in flight with an
 * {@code UNAVAILABLE} error event and refuses further calls.
 */
final class OpenAiChatModel implements ChatModel, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatModel.class);
    private static final String USER_AGENT = "caracal-llm-openai";

    private final Settings settings;
    private final Secret secret;
    private final HttpClient http;
    private final RequestMapper requests;
    private final RetryPolicy retryPolicy;
    private final Delayer delayer;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final ModelCatalog catalog;
    private final StreamingCall.Context streamContext;
    private final Set<StreamingCall> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    OpenAiChatModel(Settings settings) {
        this(settings, Delayer.REAL);
    }

    OpenAiChatModel(Settings settings, Delayer delayer) {
        this.settings = Objects.requireNonNull(settings);
        this.secret = Secret.of(settings.apiKey());
        this.delayer = Objects.requireNonNull(delayer);
        this.requests = new RequestMapper(settings.maxTokensField());
        this.retryPolicy = new RetryPolicy(settings.maxRetries(), settings.retryBaseDelay(), settings.retryMaxDelay(),
                Errors::retryable);
        this.http = HttpCalls.newClient(settings.connectTimeout());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(HttpCalls.daemonThreads("caracal-openai-" + settings.id()
                + "-timer"));
        this.workers = Executors.newCachedThreadPool(HttpCalls.daemonThreads("caracal-openai-" + settings.id() + "-batch"));
        this.catalog = new ModelCatalog(this, settings);
        this.streamContext = new StreamingCall.Context(http, retryPolicy, delayer, scheduler,
                settings.requestTimeout(), secret, "OpenAI provider " + settings.id(), () -> closed, streams::remove);
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

    @Override
    public ChatResponse complete(ChatRequest request) {
        ensureOpen();
        String body = Json.write(requests.toBody(request, false));
        return withRetries("chat completion", () -> {
            String text = call(post("/chat/completions", body, false));
            JsonNode root = Json.tryParse(text);
            if (root == null) {
                throw HttpErrors.malformed("chat completion", text, null);
            }
            return ResponseMapper.toResponse(root, request.model());
        });
    }

    @Override
    public StreamHandle stream(ChatRequest request, StreamHandler handler) {
        Objects.requireNonNull(handler, "handler");
        StreamingCall call;
        try {
            ensureOpen();
            String body = Json.write(requests.toBody(request, true));
            call = new StreamingCall(streamContext, new ChatStream(() -> post("/chat/completions", body, true),
                    request.model(), secret), handler);
        } catch (LlmException e) {
            return StreamingCall.failImmediately(handler, e);
        }
        streams.add(call);
        if (closed) { // closed while this stream was being set up
            call.abort(new LlmException(ErrorKind.UNAVAILABLE, "provider " + settings.id() + " stopped"));
            return call;
        }
        call.begin();
        return call;
    }

    @Override
    public List<CompletionStage<ChatResponse>> batch(List<ChatRequest> batch, int maxConcurrency) {
        return Batches.run(batch, Batches.effectiveConcurrency(maxConcurrency, settings.maxConcurrency()), workers,
                this::complete, secret, "provider " + settings.id());
    }

    // ---- HTTP ----

    HttpRequest post(String path, String json, boolean stream) {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        return b.build();
    }

    HttpRequest get(String path) {
        return request(path).header("Accept", "application/json").GET().build();
    }

    private HttpRequest.Builder request(String path) {
        URI uri = settings.endpoint(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(settings.requestTimeout())
                .header("User-Agent", USER_AGENT);
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
        return HttpCalls.send(http, request, settings.requestTimeout(), secret,
                (status, headers, body) -> Errors.fromResponse(status, headers, body, secret));
    }

    /** Runs {@code attempt} until it succeeds, fails for good or the retries are used up. */
    <T> T withRetries(String what, Supplier<T> attempt) {
        return retryPolicy.call(attempt, delayer, () -> closed, (retry, e, delay) ->
                LOG.debug("{} on {} failed ({}: {}); retry {} of {} in {} ms", what, settings.id(), e.kind(),
                        e.getMessage(), retry, retryPolicy.maxRetries(), delay.toMillis()));
    }

    void ensureOpen() {
        if (closed) {
            throw new LlmException(ErrorKind.UNAVAILABLE, "provider " + settings.id() + " is stopped");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LlmException gone = new LlmException(ErrorKind.UNAVAILABLE, "provider " + settings.id() + " stopped");
        for (StreamingCall call : List.copyOf(streams)) {
            call.abort(gone);
        }
        streams.clear();
        workers.shutdown();
        scheduler.shutdownNow();
    }

    @Override
    public String toString() {
        return "OpenAiChatModel[" + settings.id() + " at " + settings.baseUrl() + "]";
    }
}
