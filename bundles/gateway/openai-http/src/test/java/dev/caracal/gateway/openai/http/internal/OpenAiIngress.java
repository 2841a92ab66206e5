package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.HttpSettings;
import dev.caracal.gateway.testkit.IngressUnderTest;
import dev.caracal.gateway.testkit.JettyHarness;
import dev.caracal.gateway.testkit.ScriptedGateway;

/**
 * The OpenAI ingress's servlets on a {@link JettyHarness}, bound as SCR binds them to a {@link ScriptedGateway} and
 * to {@link HttpSettings} with the given body limit. Each context has servlets of its own; the fields are those of
 * the async context at {@code /}.
 */
final class OpenAiIngress implements IngressUnderTest {
    final ScriptedGateway gateway = new ScriptedGateway();
    final ChatCompletionsServlet chat = new ChatCompletionsServlet();
    final EmbeddingsServlet embeddings = new EmbeddingsServlet();
    final ModelsServlet models = new ModelsServlet();
    private final JettyHarness jetty;

    OpenAiIngress(long maxBodyBytes) throws Exception {
        this(maxBodyBytes, 0);
    }

    /** With {@code maxThreads > 0}, Jetty's pool has at most that many threads. */
    OpenAiIngress(long maxBodyBytes, int maxThreads) throws Exception {
        HttpSettings settings = () -> maxBodyBytes;
        ChatCompletionsServlet blockingChat = new ChatCompletionsServlet();
        EmbeddingsServlet blockingEmbeddings = new EmbeddingsServlet();
        ModelsServlet blockingModels = new ModelsServlet();
        for (OpenAiServlet s :
                new OpenAiServlet[] {chat, embeddings, models, blockingChat, blockingEmbeddings, blockingModels}) {
            s.gateway = gateway;
            s.settings = settings;
        }
        jetty = JettyHarness.start(
                maxThreads,
                routes -> routes.servlet(chat, "/v1/chat/completions")
                        .servlet(embeddings, "/v1/embeddings")
                        .servlet(models, "/v1/models", "/v1/models/*"),
                routes -> routes.servlet(blockingChat, "/v1/chat/completions")
                        .servlet(blockingEmbeddings, "/v1/embeddings")
                        .servlet(blockingModels, "/v1/models", "/v1/models/*"));
    }

    String baseUrl() {
        return jetty.url("/v1");
    }

    String blockingBaseUrl() {
        return jetty.url(JettyHarness.BLOCKING + "/v1");
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
        chat.asyncTimeoutMillis = millis;
    }

    @Override
    public void restoreAsyncTimeout() {
        chat.asyncTimeoutMillis = ChatCompletionsServlet.ASYNC_TIMEOUT_MILLIS;
    }

    @Override
    public void close() throws Exception {
        jetty.close();
        gateway.close();
    }
}
