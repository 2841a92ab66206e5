package dev.caracal.gateway.openai.http.internal;

import java.util.Set;

/**
 * Base of the {@code /v1} servlets that make a chat call through the gateway ({@code POST} only): each owns the
 * {@link GatewayCalls} that makes its calls, from {@link #init()} to {@link #destroy()}, so that chat, Responses and
 * legacy Completions requests are blocking, async and streamed by the same code.
 */
abstract class GatewayCallServlet extends OpenAiServlet {
    private static final long serialVersionUID = 1L;

    private final String keepAliveThread;
    /** Made in {@link #init()}; package-private for tests, which shorten its async timeout. */
    transient volatile GatewayCalls calls;

    /** @param keepAliveThread the name of the thread that sends the streams' keep-alive comments */
    GatewayCallServlet(String keepAliveThread) {
        this.keepAliveThread = keepAliveThread;
    }

    @Override
    public void init() {
        calls = new GatewayCalls(keepAliveThread);
    }

    @Override
    public void destroy() {
        GatewayCalls c = calls;
        if (c != null) {
            c.close();
        }
    }

    @Override
    final Set<String> methods() {
        return Set.of("POST");
    }
}
