package dev.caracal.gateway.openai.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caracal.core.http.CaracalHttp;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Gateway;
import dev.caracal.gateway.openai.http.codec.OpenAiError;
import dev.caracal.gateway.openai.http.responses.ResponseEventStream;
import dev.caracal.gateway.openai.http.responses.ResponseIds;
import dev.caracal.gateway.openai.http.responses.ResponseRenderer;
import dev.caracal.gateway.openai.http.responses.ResponsesRequest;
import dev.caracal.gateway.openai.http.responses.ResponsesRequestParser;
import dev.caracal.gateway.openai.http.store.ResponseStore;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.StreamEvent;
import dev.caracal.security.Principal;
import java.io.IOException;
import java.util.List;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code POST /v1/responses}: OpenAI's Responses API translated onto the gateway's chat call, so it works over every
 * provider. The request's items (after the stored conversation it continues, {@code previous_response_id}) become the
 * normalized conversation; the answer is a {@code response} object, or its stream of typed events. With
 * {@code store} (the default) the response and its input are kept for the tenant of the request's principal, before
 * the answer (or the stream's final event) goes out, so that a client may continue from it at once. The response id
 * is the request's {@code x-request-id} and the gateway's request id.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/v1/responses",
            "osgi.http.whiteboard.servlet.name=caracal-openai-responses",
            "osgi.http.whiteboard.servlet.asyncSupported:Boolean=true",
            "osgi.http.whiteboard.context.select=" + CaracalHttp.CONTEXT_SELECT
        })
public class ResponsesServlet extends GatewayCallServlet {
    private static final long serialVersionUID = 1L;

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile ResponseStore store;

    public ResponsesServlet() {
        super("caracal-openai-responses-keepalive");
    }

    @Override
    String newRequestId() {
        return ResponseIds.response();
    }

    @Override
    void handle(HttpServletRequest req, HttpServletResponse resp, String requestId) throws IOException {
        ResponsesRequest parsed = ResponsesRequestParser.parse(readJson(req));
        Gateway gateway = gateway();
        boolean stored = parsed.store() || parsed.previousResponseId() != null;
        StoredResponses responses =
                stored ? StoredResponses.of(store, Principal.of(req).tenant()) : null;
        List<ObjectNode> conversation = responses == null ? parsed.input() : responses.conversation(parsed);
        CallContext context = CallContexts.of(req, requestId);
        ResponsesRequest call = parsed.withHeaders(context.headers());
        ChatRequest request = call.chatRequest(conversation);
        long created = System.currentTimeMillis() / 1000;
        ResponseRenderer.Header header = new ResponseRenderer.Header(requestId, created, request.model(), call.echo());
        StoredResponses keeper = parsed.store() ? responses : null;
        if (!parsed.stream()) {
            calls.complete(req, resp, requestId, gateway, context, request, answer -> {
                ObjectNode response = ResponseRenderer.response(header, answer);
                if (keeper != null) {
                    keeper.save(requestId, created, response, conversation);
                }
                Responses.writeJson(resp, 200, response);
            });
            return;
        }
        ResponseEventStream events = new ResponseEventStream(header, response -> {
            if (keeper == null) {
                return null;
            }
            try {
                keeper.save(requestId, created, response, conversation);
                return null;
            } catch (RuntimeException e) {
                return toError(e, req, requestId);
            }
        });
        calls.stream(req, resp, requestId, gateway, context, request, encoder(events));
    }

    /** The Responses events as SSE, each named by its type. */
    static StreamEncoder encoder(ResponseEventStream events) {
        return new StreamEncoder() {
            @Override
            public void on(StreamEvent event, SseBuffer out) {
                write(events.on(event), out);
            }

            @Override
            public void failed(OpenAiError error, SseBuffer out) {
                write(events.failed(error), out);
            }
        };
    }

    private static void write(List<ResponseEventStream.Event> events, SseBuffer out) {
        for (ResponseEventStream.Event e : events) {
            out.event(e.type(), e.data().toString());
        }
    }
}
