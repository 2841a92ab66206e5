package dev.caracal.gateway.anthropic.http.internal;

import dev.caracal.gateway.testkit.IngressUnderTest;
import dev.caracal.gateway.testkit.JettyHarness;
import dev.caracal.gateway.testkit.ScriptedGateway;

/**
 * {@link MessagesServlet} on a {@link JettyHarness}, the same instance in both contexts, bound as SCR binds it to a
 * {@link ScriptedGateway} (and to no {@code HttpSettings}: the default body limit).
 */
final class AnthropicIngress implements IngressUnderTest {
    final ScriptedGateway gateway = new ScriptedGateway();
    final MessagesServlet servlet = new MessagesServlet();
    private final JettyHarness jetty;

    /** With {@code maxThreads > 0}, Jetty's pool has at most that many threads. */
    AnthropicIngress(int maxThreads) throws Exception {
        servlet.gateway = gateway;
        jetty = JettyHarness.start(maxThreads, routes -> routes.servlet(servlet, "/v1/messages", "/v1/messages/*"));
    }

    /** The base URL of the async context, which the SDKs extend with {@code /v1/messages}. */
    String baseUrl() {
        return jetty.url("");
    }

    @Override
    public JettyHarness jetty() {
        return jetty;
    }

    @Override
    public ScriptedGateway gateway() {
        return gateway;
    }

    @Override
    public void shortenAsyncTimeout(long millis) {
        servlet.asyncTimeoutMillis = millis;
    }

    @Override
    public void restoreAsyncTimeout() {
        servlet.asyncTimeoutMillis = MessagesServlet.ASYNC_TIMEOUT_MILLIS;
    }

    @Override
    public void close() throws Exception {
        jetty.close();
        gateway.close();
    }
}
