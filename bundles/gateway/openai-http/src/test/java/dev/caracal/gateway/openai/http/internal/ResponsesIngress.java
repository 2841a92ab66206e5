package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.HttpSettings;
import dev.caracal.gateway.openai.http.store.H2ResponseStore;
import dev.caracal.gateway.testkit.IngressUnderTest;
import dev.caracal.gateway.testkit.JettyHarness;
import dev.caracal.security.Grants;
import dev.caracal.security.Principal;
import dev.caracal.security.Role;
import java.io.IOException;
import java.nio.file.Path;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;

/**
 * The Responses and legacy Completions servlets on a {@link JettyHarness}, bound as SCR binds them to the scripted
 * gateway, to {@link HttpSettings} and to a real {@link H2ResponseStore} in {@code dataDir}. Each context has
 * servlets of its own. A filter stands for the security guard: the request's principal is of the tenant its
 * {@value #TENANT_HEADER} header names ({@code default} without it).
 */
final class ResponsesIngress extends IngressUnderTest {
    static final String TENANT_HEADER = "x-test-tenant";

    final ResponsesServlet responses = new ResponsesServlet();
    final StoredResponsesServlet stored = new StoredResponsesServlet();
    final CompletionsServlet completions = new CompletionsServlet();
    final H2ResponseStore store;

    ResponsesIngress(Path dataDir, long maxStoredChars) throws Exception {
        store = H2ResponseStore.open(dataDir, maxStoredChars);
        HttpSettings settings = () -> 1024 * 1024;
        ResponsesServlet blockingResponses = new ResponsesServlet();
        StoredResponsesServlet blockingStored = new StoredResponsesServlet();
        CompletionsServlet blockingCompletions = new CompletionsServlet();
        for (OpenAiServlet s : new OpenAiServlet[] {
            responses, stored, completions, blockingResponses, blockingStored, blockingCompletions
        }) {
            s.gateway = gateway();
            s.settings = settings;
        }
        for (ResponsesServlet s : new ResponsesServlet[] {responses, blockingResponses}) {
            s.store = store;
        }
        for (StoredResponsesServlet s : new StoredResponsesServlet[] {stored, blockingStored}) {
            s.store = store;
        }
        serve(
                0,
                routes -> mount(routes, responses, stored, completions),
                routes -> mount(routes, blockingResponses, blockingStored, blockingCompletions));
        asyncTimeout(
                millis -> {
                    responses.calls.asyncTimeoutMillis = millis;
                    completions.calls.asyncTimeoutMillis = millis;
                },
                ChatCompletionsServlet.ASYNC_TIMEOUT_MILLIS);
    }

    private static void mount(
            JettyHarness.Routes routes, ResponsesServlet r, StoredResponsesServlet s, CompletionsServlet c) {
        routes.filter(new TenantFilter(), "/*")
                .servlet(r, "/v1/responses")
                .servlet(s, "/v1/responses/*")
                .servlet(c, "/v1/completions");
    }

    String baseUrl() {
        return jetty().url("/v1");
    }

    String blockingBaseUrl() {
        return jetty().url(JettyHarness.BLOCKING + "/v1");
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            store.close();
        }
    }

    /** Sets the request's principal as the security guard does, in the tenant the test header names. */
    static final class TenantFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            String tenant = ((HttpServletRequest) request).getHeader(TENANT_HEADER);
            request.setAttribute(
                    Principal.ATTRIBUTE,
                    new Principal(tenant == null ? "default" : tenant, Role.WRITER, "key-1", "test key", Grants.ALL));
            chain.doFilter(request, response);
        }
    }
}
