package dev.caracal.gateway.core.internal;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Target;
import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.StreamEvent;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed call through a route. Each target tried is a {@link Leg}. Until the first content event (text or tool
 * call) the caller sees nothing: the leg's {@code Start}, usage updates and extras are held back, and a leg that ends with a
 * retryable error is dropped silently for the next target. The first content event (or an {@code End}) commits the
 * call to its leg: the held events are released and every later event is forwarded, an error included.
 *
 * <p>The caller's handler is called under this call's lock, so it sees one well-formed stream from one thread at a
 * time. {@link #cancel()} takes no lock (a caller must be able to cancel while its handler is busy), and provider
 * handles are never cancelled while the lock is held by us (a provider delivering an event may hold its own lock
 * while it waits for ours). Each leg's outcome (success, failure, abandoned) is decided exactly once.
 */
final class StreamCall implements StreamHandle {
    private static final Logger LOG = LoggerFactory.getLogger(StreamCall.class);

    private final Router router;
    private final CallContext context;
    private final ChatRequest request;
    private final StreamHandler handler;
    private final RoutePlan<ChatModel> plan;
    private final String requested;
    private final Settings settings;
    private final Object lock = new Object();
    private volatile boolean cancelled;
    private volatile Leg current;

    // guarded by lock
    private TargetWalk<ChatModel> walk;
    private boolean done;
    private boolean committed;

    StreamCall(
            Router router,
            CallContext context,
            ChatRequest request,
            StreamHandler handler,
            RoutePlan<ChatModel> plan,
            String requested,
            Settings settings) {
        this.router = router;
        this.context = context;
        this.request = request;
        this.handler = handler;
        this.plan = plan;
        this.requested = requested;
        this.settings = settings;
    }

    void start() {
        synchronized (lock) {
            walk = new TargetWalk<>(router.ticker(), context, plan, requested, settings);
        }
        advance();
    }

    /** Lock-free, so a caller never waits for a handler that is busy (or blocked) to cancel. */
    @Override
    public void cancel() {
        cancelled = true;
        Leg leg = current;
        if (leg != null) {
            leg.abandon();
            leg.cancelUpstream();
        }
    }

    /** Starts the next usable target, or ends the stream when none is left. Never called with the lock held. */
    private void advance() {
        Leg leg;
        synchronized (lock) {
            if (done || cancelled) {
                done = true;
                return;
            }
            leg = nextLegLocked();
            if (leg == null) {
                finishLocked(new StreamEvent.Error(walk.exhausted()));
                return;
            }
            current = leg;
        }
        router.streamStarted(leg.provider, leg);
        StreamHandle handle;
        try {
            handle = leg.provider.stream(request.withModel(leg.model), leg);
        } catch (RuntimeException e) {
            leg.onEvent(new StreamEvent.Error(Outcomes.asLlm(leg.target, e)));
            return;
        }
        leg.attach(handle);
        if (cancelled) { // cancel() may have read the previous leg as current
            leg.abandon();
            leg.cancelUpstream();
        }
    }

    private Leg nextLegLocked() {
        if (!walk.next()) {
            return null;
        }
        return new Leg(walk.target, walk.model, walk.provider, walk.state, walk.permit, walk.startNanos);
    }

    /** Sends the caller's terminal event. */
    private void finishLocked(StreamEvent terminal) {
        done = true;
        emitLocked(terminal);
    }

    /** Forwards one event; a handler that throws cancels the call. Returns false if it threw. */
    private boolean emitLocked(StreamEvent event) {
        try {
            handler.onEvent(event);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("A stream handler of call {} threw; the stream is cancelled", context.requestId(), e);
            done = true;
            cancelled = true;
            return false;
        }
    }

    /** One target tried by this call. */
    final class Leg implements StreamHandler {
        final Target target;
        final String model;
        final ChatModel provider;
        private final TargetState state;
        private final Breaker.Permit permit;
        private final long startNanos;
        private final AtomicBoolean cancelSent = new AtomicBoolean();
        /** Set once the leg's outcome (success, failure, abandoned) is decided; everything after is dropped. */
        private final AtomicBoolean settled = new AtomicBoolean();

        private volatile StreamHandle handle;
        private volatile boolean cancelRequested;

        // guarded by lock
        private boolean sawEvent;
        private StreamEvent.Start heldStart;
        private List<StreamEvent> held;

        Leg(
                Target target,
                String model,
                ChatModel provider,
                TargetState state,
                Breaker.Permit permit,
                long startNanos) {
            this.target = target;
            this.model = model;
            this.provider = provider;
            this.state = state;
            this.permit = permit;
            this.startNanos = startNanos;
        }

        @Override
        public void onEvent(StreamEvent event) {
            boolean next = false;
            boolean handlerFailed = false;
            synchronized (lock) {
                if (settled.get() || current != this) {
                    return;
                }
                if (cancelled || done) {
                    abandon();
                    return;
                }
                long now = router.ticker().nanos();
                if (!sawEvent && !(event instanceof StreamEvent.Error)) {
                    sawEvent = true;
                    state.recordLatency(now - startNanos, now, settings.halfLifeNanos());
                }
                if (event instanceof StreamEvent.Start start) {
                    if (!committed && heldStart == null) {
                        heldStart = start;
                    }
                } else if (isContent(event)) {
                    if (commitLocked()) {
                        emitLocked(event);
                    }
                } else if (event instanceof StreamEvent.UsageUpdate || event instanceof StreamEvent.Extras) {
                    if (committed) {
                        emitLocked(event);
                    } else {
                        if (held == null) {
                            held = new ArrayList<>(2);
                        }
                        held.add(event);
                    }
                } else if (event instanceof StreamEvent.End) {
                    if (!settle()) {
                        return;
                    }
                    state.succeeded(permit);
                    context.recordAttempt(Outcomes.attempt(target, model, now - startNanos, null));
                    if (commitLocked()) {
                        finishLocked(event);
                    }
                } else if (event instanceof StreamEvent.Error error) {
                    if (!settle()) {
                        return;
                    }
                    LlmException e = error.error() != null
                            ? error.error()
                            : new LlmException(
                                    ErrorKind.UPSTREAM,
                                    "provider '" + target.providerId() + "' ended its stream with an empty error");
                    context.recordAttempt(Outcomes.attempt(target, model, now - startNanos, e));
                    String description = e.kind() + ": " + e.getMessage();
                    if (e.retryable()) {
                        state.failed(permit, description, now, settings);
                    } else {
                        state.rejected(permit, description);
                    }
                    if (committed) {
                        finishLocked(event);
                    } else if (!e.retryable()) {
                        finishLocked(new StreamEvent.Error(Outcomes.rejected(e, context)));
                    } else {
                        LOG.debug(
                                "Call {}: {} failed before its first token ({}); trying the next target",
                                context.requestId(),
                                target,
                                e.kind());
                        walk.outcomes().failed(target.providerId(), model, e);
                        next = true;
                    }
                }
                if (cancelled && !settled.get()) { // the handler threw
                    abandon();
                    handlerFailed = true;
                }
            }
            if (handlerFailed) {
                cancelUpstream();
            }
            if (next) {
                advance();
            }
        }

        /**
         * Sends the held events; false when the handler threw on one. The call is this leg's from now on: its provider
         * is named in the response headers before the client sees the first event.
         */
        private boolean commitLocked() {
            if (committed) {
                return true;
            }
            committed = true;
            TargetWalk.served(context, target);
            if (!emitLocked(heldStart != null ? heldStart : new StreamEvent.Start("", model))) {
                return false;
            }
            if (held != null) {
                for (StreamEvent e : held) {
                    if (!emitLocked(e)) {
                        return false;
                    }
                }
                held = null;
            }
            return true;
        }

        /** Decides the leg's outcome; false when it was decided already. */
        private boolean settle() {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            router.streamEnded(provider, this);
            return true;
        }

        /** The caller cancelled (or the handler threw) before this leg ended: no verdict on the target. */
        void abandon() {
            if (settle()) {
                state.abandoned(permit);
            }
        }

        void attach(StreamHandle h) {
            handle = h;
            if (cancelRequested) {
                sendCancel();
            }
        }

        void cancelUpstream() {
            cancelRequested = true;
            if (handle != null) {
                sendCancel();
            }
        }

        private void sendCancel() {
            StreamHandle h = handle;
            if (h != null && cancelSent.compareAndSet(false, true)) {
                try {
                    h.cancel();
                } catch (RuntimeException e) {
                    LOG.debug("Cancelling the stream of {} failed", target, e);
                }
            }
        }
    }

    /** Whether {@code event} is part of the answer: once one reached the client, the stream can no longer fall back. */
    static boolean isContent(StreamEvent event) {
        return event instanceof StreamEvent.TextDelta
                || event instanceof StreamEvent.ToolCallDelta
                || event instanceof StreamEvent.ThinkingDelta
                || event instanceof StreamEvent.ThinkingSignature
                || event instanceof StreamEvent.RedactedThinking;
    }
}
