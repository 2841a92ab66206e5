package dev.caracal.llm.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StopReason;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed chat completion, across its attempts. The body is read as server-sent events by a line subscriber on
 * the HTTP client's threads (no thread waits on the stream); each {@code chat.completion.chunk} becomes normalized
 * events, delivered in order and one at a time.
 *
 * <p>Event order: {@code Start} when the first chunk arrives, then text, tool-call and usage events, then exactly one
 * {@code End} (at {@code [DONE]}) or {@code Error}. A request that fails before the upstream sent a chunk is retried
 * under the retry policy; if it still fails, the stream is a single {@code Error} event (its kind says whether another
 * target may succeed). Once an event has been delivered nothing is retried. After {@link #cancel()} no event follows.
 */
final class StreamCall implements StreamHandle {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCall.class);

    private final OpenAiChatModel owner;
    private final String body;
    private final String requestedModel;
    private final StreamHandler handler;
    private final Object lock = new Object();
    private final AtomicBoolean finished = new AtomicBoolean();

    // guarded by lock
    private boolean delivered;
    private int retry;
    private Attempt current;
    private Future<?> pendingRetry;

    StreamCall(OpenAiChatModel owner, String body, String requestedModel, StreamHandler handler) {
        this.owner = owner;
        this.body = body;
        this.requestedModel = requestedModel;
        this.handler = handler;
    }

    /** A stream that cannot even be sent: its only event is the error. */
    static void failImmediately(StreamHandler handler, LlmException e) {
        try {
            handler.onEvent(new StreamEvent.Error(e));
        } catch (RuntimeException ignored) {
            LOG.warn("A stream handler threw on the error event", ignored);
        }
    }

    void begin() {
        startAttempt();
    }

    @Override
    public void cancel() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        synchronized (lock) {
            stopCurrent();
        }
        owner.streamEnded(this);
    }

    /** Ends the stream with {@code error} (the provider is going away). */
    void abort(LlmException error) {
        terminate(new StreamEvent.Error(error));
    }

    private void stopCurrent() {
        if (current != null) {
            current.stop();
        }
        if (pendingRetry != null) {
            pendingRetry.cancel(false);
        }
    }

    private void startAttempt() {
        Attempt attempt;
        synchronized (lock) {
            if (finished.get()) {
                return;
            }
            attempt = new Attempt();
            current = attempt;
        }
        attempt.send();
    }

    /** An attempt failed: retry while nothing was delivered and the policy allows, else end the stream. */
    private void attemptFailed(Attempt attempt, LlmException error) {
        Duration delay;
        synchronized (lock) {
            if (finished.get() || attempt != current) {
                return;
            }
            delay = delivered || owner.isClosed() ? null : owner.retryPolicy().nextDelay(retry, error).orElse(null);
            if (delay != null) {
                retry++;
                LOG.debug("stream on {} failed before its first event ({}: {}); retry {} in {} ms",
                        owner.providerId(), error.kind(), error.getMessage(), retry, delay.toMillis());
                CompletableFuture<Void> wait = owner.delayer().after(delay);
                pendingRetry = wait;
                wait.thenRun(this::startAttempt);
                return;
            }
        }
        terminate(new StreamEvent.Error(error));
    }

    private void deliver(Attempt attempt, StreamEvent event) {
        synchronized (lock) {
            if (finished.get() || attempt != current) {
                return;
            }
            delivered = true;
            try {
                handler.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("The stream handler of {} threw; the stream is cancelled", owner.providerId(), e);
                finished.set(true);
                stopCurrent();
                owner.streamEnded(this);
            }
        }
    }

    private void terminate(StreamEvent event) {
        synchronized (lock) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            stopCurrent();
            try {
                handler.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("The stream handler of {} threw on the final event", owner.providerId(), e);
            }
        }
        owner.streamEnded(this);
    }

    /** One HTTP exchange of the stream. */
    private final class Attempt implements Flow.Subscriber<String> {
        private final AtomicBoolean done = new AtomicBoolean();
        private final StringBuilder data = new StringBuilder();
        private final Map<Integer, Integer> toolBlocks = new HashMap<>();
        private volatile Flow.Subscription subscription;
        private volatile long lastActivity = System.nanoTime();
        private Future<?> watchdog;
        private boolean started;
        private int nextBlock;
        private int textBlock = -1;
        private StopReason stopReason;
        private String eventName;

        void send() {
            HttpRequest request = owner.post("/chat/completions", body, true);
            // an event stream goes line by line to this subscriber; anything else is read whole
            HttpResponse.BodyHandler<String> bodyHandler = info -> isEventStream(info)
                    ? HttpResponse.BodySubscribers.fromLineSubscriber(this, s -> (String) null,
                    StandardCharsets.UTF_8, null)
                    : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            try {
                owner.http().sendAsync(request, bodyHandler).whenComplete((response, failure) -> {
                    if (failure != null) {
                        if (subscription == null) { // failed before the body: the subscriber never heard of it
                            fail(Errors.fromThrowable(failure, owner.secrets()));
                        }
                        return;
                    }
                    if (response.statusCode() / 100 != 2) {
                        fail(Errors.fromResponse(response.statusCode(), response.headers(), response.body(),
                                owner.secrets()));
                    } else if (subscription == null) {
                        wholeAnswer(response.body());
                    }
                });
            } catch (RuntimeException e) {
                fail(Errors.fromThrowable(e, owner.secrets()));
            }
        }

        private static boolean isEventStream(HttpResponse.ResponseInfo info) {
            return info.statusCode() / 100 == 2 && info.headers().firstValue("content-type")
                    .map(t -> t.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")).orElse(false);
        }

        /**
         * A 2xx answer that is not an event stream: a server that ignored {@code stream: true} and sent a whole
         * {@code chat.completion} (replayed as events), or something malformed.
         */
        private void wholeAnswer(String text) {
            if (done.get()) {
                return;
            }
            JsonNode root = Json.tryParse(text);
            if (root == null || !root.isObject() || !root.has("choices")) {
                fail(Errors.malformed("stream (neither an event stream nor a chat completion)", text, null));
                return;
            }
            dev.caracal.llm.ChatResponse response;
            try {
                response = ResponseMapper.toResponse(root, requestedModel);
            } catch (LlmException e) {
                fail(e);
                return;
            }
            started = true;
            emit(new StreamEvent.Start(response.id(), response.model()));
            int block = 0;
            for (dev.caracal.llm.ContentPart part : response.content()) {
                if (part instanceof dev.caracal.llm.ContentPart.Text t) {
                    emit(new StreamEvent.TextDelta(block++, t.text()));
                } else if (part instanceof dev.caracal.llm.ContentPart.ToolUse use) {
                    emit(new StreamEvent.ToolCallDelta(block++, use.id(), use.name(), use.argumentsJson()));
                }
            }
            emit(new StreamEvent.UsageUpdate(response.usage()));
            finish(response.stopReason());
        }

        void stop() {
            done.set(true);
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }

        private void fail(LlmException e) {
            if (done.compareAndSet(false, true)) {
                stopQuietly();
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel(); // frees the connection when the body is still arriving (a malformed chunk)
                }
                attemptFailed(this, e);
            }
        }

        private void finish(StopReason reason) {
            if (done.compareAndSet(false, true)) {
                stopQuietly();
                if (!started) {
                    emit(new StreamEvent.Start("", requestedModel));
                }
                terminate(new StreamEvent.End(reason == null ? StopReason.END_TURN : reason));
            }
        }

        private void stopQuietly() {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }

        private void emit(StreamEvent event) {
            deliver(this, event);
        }

        // ---- Flow.Subscriber<String>: lines of the event stream ----

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (done.get()) {
                s.cancel();
                return;
            }
            long timeoutNanos = owner.settings().requestTimeout().toNanos();
            long period = Math.max(50, Math.min(1000, owner.settings().requestTimeout().toMillis() / 4));
            try {
                watchdog = owner.scheduler().scheduleWithFixedDelay(() -> {
                    if (System.nanoTime() - lastActivity > timeoutNanos) {
                        s.cancel();
                        fail(new LlmException(ErrorKind.TIMEOUT, "the upstream sent nothing for "
                                + owner.settings().requestTimeout().toMillis() + " ms in the middle of a stream"));
                    }
                }, period, period, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the provider is closing; the stream is being aborted
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (done.get()) {
                return;
            }
            lastActivity = System.nanoTime();
            if (line.isEmpty()) {
                dispatch();
                return;
            }
            if (line.startsWith(":")) {
                return; // comment / keep-alive
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if ("data".equals(field)) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(value);
            } else if ("event".equals(field)) {
                eventName = value;
            }
        }

        @Override
        public void onError(Throwable throwable) {
            fail(Errors.fromThrowable(throwable, owner.secrets()));
        }

        @Override
        public void onComplete() {
            if (data.length() > 0) {
                dispatch();
            }
            if (done.get()) {
                return;
            }
            // the body ended without [DONE]
            if (stopReason != null) {
                finish(stopReason);
            } else {
                fail(new LlmException(ErrorKind.CONNECTION, "the upstream closed the stream before it was complete"
                        + (started ? "" : " (no chunk received)")));
            }
        }

        private void dispatch() {
            if (data.length() == 0) {
                eventName = null;
                return;
            }
            String payload = data.toString();
            String event = eventName;
            data.setLength(0);
            eventName = null;
            if (done.get()) {
                return;
            }
            if ("[DONE]".equals(payload.trim())) {
                finish(stopReason);
                return;
            }
            JsonNode chunk = Json.tryParse(payload);
            if (chunk == null || !chunk.isObject()) {
                fail(Errors.malformed("stream chunk", payload, null));
                return;
            }
            if (chunk.hasNonNull("error") || "error".equals(event)) {
                JsonNode error = chunk.path("error");
                String message = error.isObject() ? error.path("message").asText("") : error.asText("");
                String type = error.isObject() ? ResponseMapper.textOrNull(error.get("type")) : null;
                String code = error.isObject() ? ResponseMapper.textOrNull(error.get("code")) : null;
                fail(new LlmException(Errors.kindOf(500, type, code, message), owner.secrets().redact(
                        "the upstream sent an error in the stream: " + message), 200, null, null));
                return;
            }
            handleChunk(chunk);
        }

        private void handleChunk(JsonNode chunk) {
            if (!started) {
                started = true;
                String id = chunk.hasNonNull("id") ? chunk.get("id").asText() : "";
                String model = chunk.hasNonNull("model") ? chunk.get("model").asText() : requestedModel;
                emit(new StreamEvent.Start(id, model));
            }
            JsonNode choices = chunk.get("choices");
            if (choices != null && choices.isArray()) {
                for (JsonNode choice : choices) {
                    if (choice.path("index").asInt(0) != 0) {
                        continue; // one answer per request (n = 1)
                    }
                    handleDelta(choice.path("delta"));
                    String finish = ResponseMapper.textOrNull(choice.get("finish_reason"));
                    if (finish != null) {
                        stopReason = ResponseMapper.stopReason(finish);
                    }
                }
            }
            JsonNode usage = chunk.get("usage");
            if (usage != null && usage.isObject()) {
                emit(new StreamEvent.UsageUpdate(ResponseMapper.usage(usage)));
            }
        }

        private void handleDelta(JsonNode delta) {
            if (delta == null || !delta.isObject()) {
                return;
            }
            String text = ResponseMapper.textOrNull(delta.get("content"));
            if (text == null || text.isEmpty()) {
                text = ResponseMapper.textOrNull(delta.get("refusal"));
            }
            if (text != null && !text.isEmpty()) {
                if (textBlock < 0) {
                    textBlock = nextBlock++;
                }
                emit(new StreamEvent.TextDelta(textBlock, text));
            }
            JsonNode calls = delta.get("tool_calls");
            if (calls != null && calls.isArray()) {
                for (JsonNode call : calls) {
                    int toolIndex = call.path("index").asInt(toolBlocks.size());
                    Integer block = toolBlocks.get(toolIndex);
                    if (block == null) {
                        block = nextBlock++;
                        toolBlocks.put(toolIndex, block);
                    }
                    JsonNode function = call.path("function");
                    String id = ResponseMapper.textOrNull(call.get("id"));
                    String name = ResponseMapper.textOrNull(function.get("name"));
                    JsonNode args = function.get("arguments");
                    String fragment = args == null || args.isNull() ? "" : args.isTextual() ? args.asText()
                            : Json.write(args);
                    if (id != null || name != null || !fragment.isEmpty()) {
                        emit(new StreamEvent.ToolCallDelta(block, id, name, fragment));
                    }
                }
            }
        }
    }
}
