package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final Secrets secrets;
    private final HttpClient http;
    private final RequestMapper requests;
    private final RetryPolicy retryPolicy;
    private final Delayer delayer;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final ModelCatalog catalog;
    private final Set<StreamCall> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    OpenAiChatModel(Settings settings) {
        this(settings, Delayer.REAL);
    }

    OpenAiChatModel(Settings settings, Delayer delayer) {
        this.settings = Objects.requireNonNull(settings);
        this.secrets = new Secrets(settings.apiKey());
        this.delayer = Objects.requireNonNull(delayer);
        this.requests = new RequestMapper(settings.maxTokensField());
        this.retryPolicy = new RetryPolicy(settings.maxRetries(), settings.retryBaseDelay(), settings.retryMaxDelay());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("caracal-openai-" + settings.id()
                + "-timer"));
        this.workers = Executors.newCachedThreadPool(threads("caracal-openai-" + settings.id() + "-batch"));
        this.catalog = new ModelCatalog(this, settings);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    Settings settings() {
        return settings;
    }

    Secrets secrets() {
        return secrets;
    }

    HttpClient http() {
        return http;
    }

    RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    Delayer delayer() {
        return delayer;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
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
                throw Errors.malformed("chat completion", text, null);
            }
            return ResponseMapper.toResponse(root, request.model());
        });
    }

    @Override
    public StreamHandle stream(ChatRequest request, StreamHandler handler) {
        Objects.requireNonNull(handler, "handler");
        StreamCall call;
        try {
            ensureOpen();
            ObjectNode body = requests.toBody(request, true);
            call = new StreamCall(this, Json.write(body), request.model(), handler);
        } catch (LlmException e) {
            StreamCall.failImmediately(handler, e);
            return () -> { };
        }
        streams.add(call);
        if (closed) { // closed while this stream was being set up
            call.abort(new LlmException(ErrorKind.UNAVAILABLE, "provider " + settings.id() + " stopped"));
            return call;
        }
        call.begin();
        return call;
    }

    void streamEnded(StreamCall call) {
        streams.remove(call);
    }

    @Override
    public List<CompletionStage<ChatResponse>> batch(List<ChatRequest> batch, int maxConcurrency) {
        List<ChatRequest> items = List.copyOf(batch);
        List<CompletableFuture<ChatResponse>> results = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            results.add(new CompletableFuture<>());
        }
        int limit = maxConcurrency <= 0 ? settings.maxConcurrency()
                : Math.min(maxConcurrency, settings.maxConcurrency());
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            int i;
            while ((i = next.getAndIncrement()) < items.size()) {
                try {
                    results.get(i).complete(complete(items.get(i)));
                } catch (LlmException e) {
                    results.get(i).completeExceptionally(e);
                } catch (RuntimeException e) {
                    results.get(i).completeExceptionally(Errors.fromThrowable(e, secrets));
                }
            }
        };
        int started = 0;
        for (int w = 0; w < Math.min(limit, items.size()); w++) {
            try {
                workers.execute(worker);
                started++;
            } catch (RejectedExecutionException e) {
                break;
            }
        }
        if (started == 0 && !items.isEmpty()) {
            LlmException gone = new LlmException(ErrorKind.UNAVAILABLE, "provider " + settings.id() + " is stopped");
            results.forEach(r -> r.completeExceptionally(gone));
        }
        return List.copyOf(results);
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
        CompletableFuture<HttpResponse<String>> future = http.sendAsync(request,
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            // the request timeout bounds the wait for the headers; this bounds the whole answer
            response = future.get(settings.requestTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new LlmException(ErrorKind.TIMEOUT, "the upstream did not answer within "
                    + settings.requestTimeout().toMillis() + " ms", 0, null, e);
        } catch (ExecutionException e) {
            throw Errors.fromThrowable(e, secrets);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new LlmException(ErrorKind.UNAVAILABLE, "interrupted while waiting for the upstream", 0, null, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw Errors.fromResponse(response.statusCode(), response.headers(), response.body(), secrets);
        }
        return response.body();
    }

    /** Runs {@code attempt} until it succeeds, fails for good or the retries are used up. */
    <T> T withRetries(String what, Supplier<T> attempt) {
        for (int retry = 0; ; retry++) {
            try {
                return attempt.get();
            } catch (LlmException e) {
                Duration delay = retryPolicy.nextDelay(retry, e).orElse(null);
                if (delay == null || closed) {
                    throw e;
                }
                LOG.debug("{} on {} failed ({}: {}); retry {} of {} in {} ms", what, settings.id(), e.kind(),
                        e.getMessage(), retry + 1, retryPolicy.maxRetries(), delay.toMillis());
                try {
                    delayer.after(delay).get();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                } catch (ExecutionException ee) {
                    throw e;
                }
            }
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new LlmException(ErrorKind.UNAVAILABLE, "provider " + settings.id() + " is stopped");
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LlmException gone = new LlmException(ErrorKind.UNAVAILABLE, "provider " + settings.id() + " stopped");
        for (StreamCall call : List.copyOf(streams)) {
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
