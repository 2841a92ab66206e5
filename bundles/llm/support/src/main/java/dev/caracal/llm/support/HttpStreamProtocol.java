package dev.caracal.llm.support;

import dev.caracal.llm.LlmException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The wiring every provider's {@link StreamingCall.Protocol} shares: the request of each attempt comes from a
 * supplier (built anew per attempt) and an error answer is mapped by the provider's {@link HttpCalls.ErrorMapper}.
 * A subclass adds its wire format: {@link #decoder(StreamingCall.Sink)} and, if its streams are not
 * {@code text/event-stream}, {@link #isStream}.
 */
public abstract class HttpStreamProtocol implements StreamingCall.Protocol {

    private final Supplier<HttpRequest> request;
    private final HttpCalls.ErrorMapper errors;

    /**
     * @param request builds the request of one attempt
     * @param errors  maps a non-2xx answer to the provider's {@link LlmException}
     */
    protected HttpStreamProtocol(Supplier<HttpRequest> request, HttpCalls.ErrorMapper errors) {
        this.request = Objects.requireNonNull(request, "request");
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    @Override
    public final HttpRequest request() {
        return request.get();
    }

    @Override
    public final LlmException errorAnswer(int status, HttpHeaders headers, String body) {
        return errors.map(status, headers, body);
    }
}
