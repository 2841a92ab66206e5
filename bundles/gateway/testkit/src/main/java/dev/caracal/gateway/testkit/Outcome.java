package dev.caracal.gateway.testkit;

import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A scripted outcome of the gateway, the status an ingress must answer it with, and headers the answer must carry
 * (each value a prefix of the header's value).
 */
public record Outcome(String name, int status, Map<String, String> headers, Consumer<ScriptedGateway> script) {

    /** The gateway fails every call with {@code failure}. */
    public static Outcome failure(String name, int status, Map<String, String> headers, RuntimeException failure) {
        return new Outcome(name, status, headers, g -> g.failWith(failure));
    }

    public static Outcome failure(String name, int status, RuntimeException failure) {
        return failure(name, status, Map.of(), failure);
    }

    /** The gateway answers every call with what {@code answer} gives. */
    public static Outcome answer(String name, int status, Function<ChatRequest, ChatResponse> answer) {
        return new Outcome(name, status, Map.of(), g -> g.answerWith(answer));
    }

    /**
     * The outcomes every ingress answers with the same status, whatever its wire format; the successful one is a
     * {@link ScriptedGateway#reply reply} of "Hi there!", JSON with status 200.
     */
    public static List<Outcome> common() {
        return List.of(
                new Outcome(
                        "success",
                        200,
                        Map.of("content-type", "application/json"),
                        g -> g.answerWith(r -> ScriptedGateway.reply("Hi there!"))),
                failure("no route", 404, retryable(ErrorKind.NOT_FOUND, "no route for model 'nope'", 0, null)),
                failure("upstream failure", 502, exhausted(ErrorKind.UPSTREAM, "bad gateway", 500)),
                failure("connection lost", 502, new LlmException(ErrorKind.CONNECTION, "connection reset")),
                failure("upstream timeout", 504, exhausted(ErrorKind.TIMEOUT, "too slow", 0)),
                failure("context length", 400, exhausted(ErrorKind.CONTEXT_LENGTH, "too long", 400)),
                failure("content filter", 400, new LlmException(ErrorKind.CONTENT_FILTER, "")),
                failure("invalid request", 400, new LlmException(ErrorKind.INVALID_REQUEST, "prompt rejected")),
                failure("authentication", 401, new LlmException(ErrorKind.AUTHENTICATION, "unknown key")),
                failure("permission", 403, new LlmException(ErrorKind.PERMISSION, "not for you")),
                failure(
                        "a filter's problem",
                        422,
                        new ProblemException(Problem.of(422, "budget", "Budget", "the budget is spent"))),
                failure("unexpected failure", 500, new IllegalStateException("secret internals")),
                answer("an answer that cannot be rendered", 500, r -> null));
    }

    /** The gateway tried every target and each failed; the last answered {@code upstreamStatus} (0: none did). */
    public static GatewayException exhausted(ErrorKind kind, String message, int upstreamStatus) {
        return exhausted(kind, message, upstreamStatus, null);
    }

    /** As {@link #exhausted(ErrorKind, String, int)}, with the upstream's retry hint ({@code null}: none). */
    public static GatewayException exhausted(ErrorKind kind, String message, int upstreamStatus, Duration retryAfter) {
        return new GatewayException(kind, message, upstreamStatus, retryAfter, null, true, List.of());
    }

    /** A failure the gateway did not exhaust its targets on: a client may retry, after {@code retryAfter} if given. */
    public static GatewayException retryable(ErrorKind kind, String message, int upstreamStatus, Duration retryAfter) {
        return new GatewayException(kind, message, upstreamStatus, retryAfter, null, false, List.of());
    }
}
