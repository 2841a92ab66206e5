package dev.caracal.gateway.anthropic.http.internal;

import dev.caracal.gateway.testkit.IngressUnderTest;
import dev.caracal.gateway.testkit.JettyHarness;

/**
 * {@link MessagesServlet} on a {@link JettyHarness}, the same instance in both contexts, bound as SCR binds it to the
 * scripted gateway (and to no {@code HttpSettings}: the default body limit).
 */
final class AnthropicIngress extends IngressUnderTest {
    final MessagesServlet servlet = new MessagesServlet();

    /** With {@code maxThreads > 0}, Jetty's pool has at most that many threads. */
    AnthropicIngress(int maxThreads) throws Exception {
        servlet.gateway = gateway();
        serve(maxThreads, this::messages, this::messages);
        asyncTimeout(millis -> servlet.asyncTimeoutMillis = millis, MessagesServlet.ASYNC_TIMEOUT_MILLIS);
    }

    private void messages(JettyHarness.Routes routes) {
        routes.servlet(servlet, "/v1/messages", "/v1/messages/*");
    }

    /** The base URL of the async context, which the SDKs extend with {@code /v1/messages}. */
    String baseUrl() {
        return jetty().url("");
    }
}
