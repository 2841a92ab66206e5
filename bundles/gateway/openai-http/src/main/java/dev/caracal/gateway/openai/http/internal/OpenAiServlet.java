package dev.caracal.gateway.openai.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.http.ApiServlet;
import dev.caracal.core.http.BodyReader;
import dev.caracal.core.http.HttpSettings;
import dev.caracal.core.http.Problem;
import dev.caracal.core.http.ProblemException;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.openai.http.codec.InvalidRequestException;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.gateway.openai.http.codec.OpenAiErrors;
import dev.caracal.llm.LlmException;
import java.io.IOException;
import java.util.Set;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the {@code /v1} servlets: gives every response an {@code x-request-id}, refuses other methods with 405, and
 * answers every failure in OpenAI's error envelope (never a stack trace). The {@link Gateway} and {@link HttpSettings}
 * are optional dynamic references, so the servlets stay registered, answering 503, while the gateway is away.
 */
abstract class OpenAiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiServlet.class);

    /*
     * Bound by SCR (field injection). Package-private, not private: SCR injects a superclass's field only when it is
     * visible to the component class, and the tests in this package bind them the same way.
     */
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

    /** The methods this endpoint serves. */
    abstract Set<String> methods();

    /** A new id for this request (also sent as {@code x-request-id}). */
    String newRequestId() {
        return CallContexts.requestId();
    }

    /** Serves an allowed request; may throw any failure the base class maps. */
    abstract void handle(HttpServletRequest req, HttpServletResponse resp, String requestId) throws IOException;

    /** What answers a request, now or when an asynchronous call completes; may throw any failure the base maps. */
    @FunctionalInterface
    interface Answer {
        void write() throws IOException;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String requestId = newRequestId();
        resp.setHeader(Responses.REQUEST_ID, requestId);
        respond(req, resp, requestId, () -> {
            if (!methods().contains(req.getMethod())) {
                resp.setHeader("Allow", String.join(", ", methods()));
                throw new OpenAiErrorException(OpenAiErrors.methodNotAllowed(req.getMethod(), req.getRequestURI()));
            }
            handle(req, resp, requestId);
        });
    }

    /**
     * Runs {@code answer}; a failure it throws is answered with its status, headers and OpenAI envelope. The one
     * mapping of failures to responses, for the request thread and for answers written after an asynchronous call.
     */
    static void respond(HttpServletRequest req, HttpServletResponse resp, String requestId, Answer answer)
            throws IOException {
        try {
            answer.write();
        } catch (RuntimeException e) {
            Responses.writeError(resp, toError(e, req, requestId));
        }
    }

    /** The OpenAI error for any failure; unexpected ones are logged with an incident id. */
    static OpenAiError toError(RuntimeException e, HttpServletRequest req, String requestId) {
        if (e instanceof OpenAiErrorException oe) {
            return oe.error();
        }
        if (e instanceof InvalidRequestException ire) {
            return OpenAiErrors.invalidRequest(ire);
        }
        if (e instanceof ProblemException pe) {
            return fromProblem(pe.problem());
        }
        if (e instanceof LlmException le) {
            LOG.debug("request {} failed: {} {}", requestId, le.kind(), le.getMessage());
            return OpenAiErrors.fromLlm(le);
        }
        String incident = Long.toHexString(System.nanoTime());
        LOG.error(
                "unexpected failure on {} {} (request {}, incident {})",
                req == null ? "" : req.getMethod(),
                req == null ? "" : req.getRequestURI(),
                requestId,
                incident,
                e);
        return OpenAiErrors.internal(incident);
    }

    /** Core's body reader speaks problem+json; say the same in OpenAI's terms. */
    static OpenAiError fromProblem(Problem p) {
        if (p.status() == 413) {
            return OpenAiErrors.bodyTooLarge(p.detail());
        }
        if (p.type().endsWith(":malformed-json")) {
            return OpenAiErrors.malformedJson(p.detail());
        }
        Object field = p.extensions().get("field");
        return OpenAiError.of(
                p.status(),
                p.status() < 500 ? OpenAiError.INVALID_REQUEST : OpenAiError.SERVER,
                p.detail(),
                field == null ? null : field.toString(),
                null);
    }

    Gateway gateway() {
        Gateway g = gateway;
        if (g == null) {
            throw new OpenAiErrorException(OpenAiErrors.gatewayUnavailable());
        }
        return g;
    }

    JsonNode readJson(HttpServletRequest req) throws IOException {
        HttpSettings s = settings;
        return BodyReader.readJsonObject(req, s == null ? ApiServlet.DEFAULT_MAX_BODY : s.maxBodyBytes());
    }
}
