package dev.caracal.llm.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import dev.caracal.llm.support.Delayer;
import dev.caracal.llm.support.Exchanger;
import dev.caracal.llm.support.ForwardedHeaders;
import dev.caracal.llm.support.HttpCalls;
import dev.caracal.llm.support.HttpErrors;
import dev.caracal.llm.support.Json;
import dev.caracal.llm.support.ProviderRuntime;
import dev.caracal.llm.support.RetryPolicy;
import dev.caracal.llm.support.Secret;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Anthropic account: messages (complete, streamed, batched) and the model list over one pooled HTTP/1.1
 * transport ({@link Exchanger}). Thread-safe. {@link #close()} ends the streams in flight with an {@code UNAVAILABLE} error
 * event and refuses further calls.
 */
final class AnthropicChatModel implements ChatModel, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicChatModel.class);
    private static final String USER_AGENT = "caracal-llm-anthropic";

    private final Settings settings;
    private final Secret secret;
    private final Exchanger http;
    private final RequestMapper requests;
    private final ProviderRuntime runtime;
    private final HttpCalls.ErrorMapper errors;
    private final ModelCatalog catalog;

    AnthropicChatModel(Settings settings) {
        this(settings, Delayer.REAL);
    }

    AnthropicChatModel(Settings settings, Delayer delayer) {
        this.settings = Objects.requireNonNull(settings);
        this.secret = settings.apiKey();
        this.requests = new RequestMapper(settings.defaultMaxTokens(), settings.id());
        this.errors = (status, headers, body) -> Errors.fromResponse(status, headers, body, secret);
        RetryPolicy retryPolicy = new RetryPolicy(
                settings.maxRetries(), settings.retryBaseDelay(), settings.retryMaxDelay(), Errors::retryable);
        // one transport for request/response exchanges and streams (see HttpCalls.newExchanger)
        this.http = HttpCalls.newExchanger("caracal-anthropic-" + settings.id() + "-http", settings.connectTimeout());
        this.runtime = new ProviderRuntime(
                "caracal-anthropic-" + settings.id(),
                "Anthropic provider " + settings.id(),
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
     * Sends the message and returns at once, with the request, retries, answer and failures of {@link #complete}; a
     * closed instance or an invalid request gives a future already failed. The answer is parsed on the thread that
     * completes the exchange (bodies are small); which threads complete the future is told at
     * {@link ProviderRuntime#withRetriesAsync}: callers whose dependent stages block add them with their own executor.
     */
    @Override
    public CompletableFuture<ChatResponse> completeAsync(ChatRequest request) {
        return runtime.callAsync(() -> {
            String body = Json.write(requests.toBody(request, false));
            return runtime.withRetriesAsync(
                    "message",
                    () -> HttpCalls.thenApply(
                            callAsync(post("/v1/messages", body, false, request.extras())),
                            text -> StructuredOutput.answer(
                                    request,
                                    ResponseMapper.toResponse(
                                            Json.tryParse(text), request.model(), secret, text, keepsExtras(request)))),
                    LOG);
        });
    }

    @Override
    public StreamHandle stream(ChatRequest request, StreamHandler handler) {
        return runtime.stream(StructuredOutput.stream(request, handler), () -> {
            String body = Json.write(requests.toBody(request, true));
            return new MessageStream(
                    () -> post("/v1/messages", body, true, request.extras()),
                    request.model(),
                    secret,
                    keepsExtras(request));
        });
    }

    /** Whether the client speaks this provider's format, so the answer's unmodeled members go back to it. */
    static boolean keepsExtras(ChatRequest request) {
        return RequestMapper.FORMAT.equals(request.extras().format());
    }

    /** The members of a Messages body that {@code /v1/messages/count_tokens} takes. */
    private static final List<String> COUNTED =
            List.of("model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers");

    /** Anthropic's own count ({@code POST /v1/messages/count_tokens}): free, and exact for the model. */
    @Override
    public OptionalLong countTokens(ChatRequest request) {
        ensureOpen();
        ObjectNode full = requests.toBody(request, false);
        ObjectNode body = Json.MAPPER.createObjectNode();
        for (String member : COUNTED) {
            if (full.has(member)) {
                body.set(member, full.get(member));
            }
        }
        String text;
        try {
            text = call(post("/v1/messages/count_tokens", Json.write(body), false, request.extras()));
        } catch (LlmException e) {
            if (e.upstreamStatus() == 404 || e.upstreamStatus() == 405) {
                // an Anthropic-compatible server without the counting endpoint: the gateway estimates
                LOG.debug("provider {} cannot count tokens: {}", settings.id(), e.getMessage());
                return OptionalLong.empty();
            }
            throw e;
        }
        JsonNode root = Json.tryParse(text);
        JsonNode n = root == null ? null : root.get("input_tokens");
        if (n == null || !n.canConvertToLong()) {
            throw HttpErrors.malformed("token count", text, null);
        }
        return OptionalLong.of(n.asLong());
    }

    @Override
    public List<CompletionStage<ChatResponse>> batch(List<ChatRequest> batch, int maxConcurrency) {
        return runtime.batchAsync(batch, maxConcurrency, this::completeAsync);
    }

    // ---- HTTP ----

    HttpRequest post(String path, String json, boolean stream) {
        return post(path, json, stream, RequestExtras.NONE);
    }

    /**
     * A POST carrying the client's headers this provider forwards ({@link Settings#forwardHeaders}): a client's
     * {@code anthropic-version} replaces the configured one, its {@code anthropic-beta} values join the configured
     * betas.
     */
    HttpRequest post(String path, String json, boolean stream, RequestExtras extras) {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        ForwardedHeaders forward = settings.forwardHeaders();
        forward.apply(b, extras);
        String betas = forward.merged("anthropic-beta", settings.betas(), extras);
        if (!betas.isEmpty()) {
            b.setHeader("anthropic-beta", betas);
        }
        return b.build();
    }

    HttpRequest get(String path) {
        return request(path).header("Accept", "application/json").GET().build();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.endpoint(path))
                .timeout(settings.requestTimeout())
                .header("User-Agent", USER_AGENT)
                .header("anthropic-version", settings.anthropicVersion());
        if (secret.isPresent()) {
            b.header("x-api-key", secret.reveal());
        }
        if (!settings.betas().isEmpty()) {
            b.header("anthropic-beta", String.join(",", settings.betas()));
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

    private void ensureOpen() {
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
        return "AnthropicChatModel[" + settings.id() + " at " + settings.baseUrl() + "]";
    }
}
