package dev.caracal.gateway.anthropic.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.ApiServlet;
import dev.caracal.core.http.AsyncAnswer;
import dev.caracal.core.http.BodyReader;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.core.http.HttpSettings;
import dev.caracal.core.http.ProblemException;
import dev.caracal.core.json.Json;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.TokenCount;
import dev.caracal.gateway.anthropic.http.codec.AnthropicError;
import dev.caracal.gateway.anthropic.http.codec.AnthropicErrors;
import dev.caracal.gateway.anthropic.http.codec.MessageStreamEncoder;
import dev.caracal.gateway.anthropic.http.codec.MessagesRequestReader;
import dev.caracal.gateway.anthropic.http.codec.MessagesResponseWriter;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.RequestExtras;
import dev.caracal.llm.StreamHandle;
import java.io.IOException;
import javax.servlet.AsyncContext;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Anthropic Messages API: {@code POST /v1/messages} (JSON, or SSE with {@code "stream": true}) translated to
 * {@link Gateway#completeAsync} (or {@link Gateway#complete}) and {@link Gateway#stream}. Both run async when every
 * filter of the chain allows it (no request thread is held while upstreams answer), else on the request thread, with
 * the same answers. {@code POST /v1/messages/count_tokens} answers 404: the gateway has no tokenizer for arbitrary
 * models, and a guessed count would mislead. Every answer carries {@code request-id}; every failure is in Anthropic's
 * error envelope.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/v1/messages",
            "osgi.http.whiteboard.servlet.pattern=/v1/messages/*",
            "osgi.http.whiteboard.servlet.name=caracal-gateway-anthropic-messages",
            "osgi.http.whiteboard.servlet.asyncSupported:Boolean=true",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class MessagesServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MessagesServlet.class);
    private static final String MESSAGES = "/v1/messages";
    private static final String COUNT_TOKENS = "/v1/messages/count_tokens";
    /**
     * The async timeout of a non-streamed call: none. The gateway's and the providers' timeouts bound the call; a
     * shorter limit here would cut answers the gateway is still allowed to wait for.
     */
    static final long ASYNC_TIMEOUT_MILLIS = 0;

    /** {@link #ASYNC_TIMEOUT_MILLIS}; tests shorten it. */
    volatile long asyncTimeoutMillis = ASYNC_TIMEOUT_MILLIS;

    // Bound by SCR (field injection); package-private so that the tests in this package bind them as SCR does.
    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile Gateway gateway;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile HttpSettings settings;

    private long maxBodyBytes() {
        HttpSettings s = settings;
        return s == null ? ApiServlet.DEFAULT_MAX_BODY : s.maxBodyBytes();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        IncomingCall call = new IncomingCall();
        resp.setHeader("request-id", call.requestId());
        respond(req, resp, call.requestId(), () -> {
            String path = path(req);
            if (path.equals(MESSAGES)) {
                requirePost(req);
                messages(req, resp, call);
            } else if (path.equals(COUNT_TOKENS)) {
                requirePost(req);
                countTokens(req, resp, call);
            } else {
                throw new AnthropicError(
                        404,
                        AnthropicError.NOT_FOUND,
                        "Not found: " + req.getMethod() + " " + req.getRequestURI()
                                + "; this gateway serves POST /v1/messages");
            }
        });
    }

    /** What answers a request, now or when an asynchronous call completes; may throw what {@link #toError} maps. */
    @FunctionalInterface
    interface Answer {
        void write() throws IOException;
    }

    /**
     * Runs {@code answer}; a failure it throws is answered with its status, headers and Anthropic's envelope. The one
     * mapping of failures to responses, for the request thread and for answers written after an asynchronous call.
     */
    static void respond(HttpServletRequest req, HttpServletResponse resp, String requestId, Answer answer)
            throws IOException {
        try {
            answer.write();
        } catch (RuntimeException e) {
            ErrorResponses.write(resp, toError(e, req), requestId);
        }
    }

    /** The Anthropic error for any failure; unexpected ones are logged with an incident id. */
    static AnthropicError toError(RuntimeException e, HttpServletRequest req) {
        if (e instanceof AnthropicError ae) {
            return ae;
        }
        if (e instanceof LlmException le) {
            return AnthropicErrors.from(le);
        }
        if (e instanceof ProblemException pe) {
            return fromProblem(pe);
        }
        String incident = Long.toHexString(System.nanoTime());
        LOG.error("unexpected failure on {} {} (incident {})", req.getMethod(), req.getRequestURI(), incident, e);
        return new AnthropicError(
                500, AnthropicError.API, "the server failed unexpectedly; see the log for incident " + incident);
    }

    /** The gateway, or a 503 saying it is not running. */
    private Gateway gatewayOrUnavailable() {
        Gateway g = gateway;
        if (g == null) {
            throw new AnthropicError(
                    503,
                    AnthropicError.API,
                    "the LLM gateway is not running; check caracal:status (feature caracal-gateway)");
        }
        return g;
    }

    /** Members of a Messages body that {@code count_tokens} does not take (as Anthropic's API refuses them). */
    private static final java.util.Set<String> NOT_COUNTED =
            java.util.Set.of("max_tokens", "stream", "temperature", "top_p", "top_k", "stop_sequences", "metadata");

    /**
     * {@code POST /v1/messages/count_tokens}: the input tokens of a Messages body, counted by the provider of the
     * model's first target when it can count (Anthropic), else Caracal's estimate, said in
     * {@code x-caracal-token-count: estimate}.
     */
    private void countTokens(HttpServletRequest req, HttpServletResponse resp, IncomingCall call) throws IOException {
        JsonNode body = BodyReader.parseJsonObject(BodyReader.readBytes(req, maxBodyBytes()));
        if (!body.isObject()) {
            throw AnthropicError.invalid(null, "the request body must be a JSON object");
        }
        for (String member : NOT_COUNTED) {
            if (body.has(member)) {
                throw AnthropicError.invalid(member, "Extra inputs are not permitted");
            }
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("max_tokens", 1); // the reader wants one
        ChatRequest read = MessagesRequestReader.read(body);
        Gateway g = gatewayOrUnavailable();
        CallContext context = call.context(req);
        RequestExtras extras = read.extras();
        TokenCount count = g.countTokens(context, read.withExtras(extras.withHeaders(context.headers())));
        ErrorResponses.filterHeaders(context, resp);
        if (count.estimated()) {
            resp.setHeader("x-caracal-token-count", "estimate");
        }
        resp.setStatus(200);
        resp.setContentType(CaracalHttp.JSON);
        resp.setCharacterEncoding("UTF-8");
        Json.mapper()
                .writeValue(
                        resp.getOutputStream(),
                        Json.mapper().createObjectNode().put("input_tokens", count.inputTokens()));
    }

    private void messages(HttpServletRequest req, HttpServletResponse resp, IncomingCall call) throws IOException {
        JsonNode body = BodyReader.parseJsonObject(BodyReader.readBytes(req, maxBodyBytes()));
        ChatRequest read = MessagesRequestReader.read(body);
        Gateway g = gatewayOrUnavailable();
        CallContext context = call.context(req);
        // the client's headers ride with its extras, for providers to forward by their allow-list
        RequestExtras extras = read.extras();
        ChatRequest request = read.withExtras(extras.withHeaders(context.headers()));
        try {
            if (request.stream()) {
                stream(g, context, request, req, resp, call);
            } else {
                complete(g, context, request, req, resp, call);
            }
        } catch (RuntimeException e) {
            ErrorResponses.filterHeaders(context, resp); // a refusal by a filter still carries its headers
            throw e;
        }
    }

    /**
     * A non-streamed call: asynchronous when the container allows it, else on the request thread. Either way the
     * answer, or the failure, is written by the same code.
     */
    private void complete(
            Gateway g,
            CallContext context,
            ChatRequest request,
            HttpServletRequest req,
            HttpServletResponse resp,
            IncomingCall call)
            throws IOException {
        if (!req.isAsyncSupported()) {
            ChatResponse response = g.complete(context, request);
            ErrorResponses.filterHeaders(context, resp);
            writeMessage(resp, call, request, response);
            return;
        }
        AsyncAnswer.serve(
                req,
                g.completeAsync(context, request),
                asyncTimeoutMillis,
                ms -> new LlmException(
                        ErrorKind.TIMEOUT, "the gateway did not answer within the ingress's " + ms + " ms"),
                call.requestId(),
                outcome -> respond(req, resp, call.requestId(), () -> {
                    ErrorResponses.filterHeaders(context, resp);
                    writeMessage(resp, call, request, outcome.get());
                }));
    }

    private static void writeMessage(
            HttpServletResponse resp, IncomingCall call, ChatRequest request, ChatResponse response)
            throws IOException {
        JsonNode json = MessagesResponseWriter.message(call.messageId(), request.model(), response, request.stop());
        resp.setStatus(200);
        resp.setContentType(CaracalHttp.JSON);
        resp.setCharacterEncoding("UTF-8");
        Json.mapper().writeValue(resp.getOutputStream(), json);
    }

    private void stream(
            Gateway g,
            CallContext context,
            ChatRequest request,
            HttpServletRequest req,
            HttpServletResponse resp,
            IncomingCall call) {
        AsyncContext async = null;
        if (req.isAsyncSupported()) {
            async = req.startAsync();
            async.setTimeout(0); // the gateway bounds the call; a long answer may stream for many minutes
        }
        MessageStreamEncoder encoder =
                new MessageStreamEncoder(call.messageId(), request.model(), request.stop(), Ids::toolUseId);
        StreamSession session = new StreamSession(resp, async, encoder, call.requestId(), context);
        try {
            StreamHandle handle = g.stream(context, request, session);
            session.attach(handle);
        } catch (LlmException e) {
            session.failed(e);
        } catch (RuntimeException e) {
            String incident = Long.toHexString(System.nanoTime());
            LOG.error("starting stream {} failed unexpectedly (incident {})", call.requestId(), incident, e);
            session.fail(new AnthropicError(
                    500, AnthropicError.API, "the server failed unexpectedly; see the log for incident " + incident));
        }
        if (async == null) {
            session.awaitEnd();
        }
    }

    private static void requirePost(HttpServletRequest req) {
        if (!"POST".equals(req.getMethod())) {
            throw new AnthropicError(
                    405,
                    AnthropicError.INVALID_REQUEST,
                    "Method Not Allowed: " + req.getMethod() + " " + req.getRequestURI() + " accepts only POST");
        }
    }

    private static String path(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String ctx = req.getContextPath() == null ? "" : req.getContextPath();
        String path = uri.startsWith(ctx) ? uri.substring(ctx.length()) : uri;
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    /** Core's body helpers speak problem+json; their 413 and 400 are re-expressed in Anthropic's terms. */
    private static AnthropicError fromProblem(ProblemException e) {
        int status = e.problem().status();
        String detail =
                e.problem().detail() == null ? e.problem().title() : e.problem().detail();
        if (status == 413) {
            return new AnthropicError(
                    413, AnthropicError.REQUEST_TOO_LARGE, "Request exceeds the maximum allowed " + "size: " + detail);
        }
        if (status == 400) {
            return AnthropicError.invalid(null, detail);
        }
        return new AnthropicError(status, status >= 500 ? AnthropicError.API : AnthropicError.INVALID_REQUEST, detail);
    }
}
