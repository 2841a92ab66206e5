package dev.caracal.gateway.openai.http.internal;

import dev.caracal.core.http.HttpSettings;
import dev.caracal.gateway.testkit.IngressUnderTest;
import dev.caracal.gateway.testkit.JettyHarness;

/**
 * The OpenAI ingress's servlets on a {@link JettyHarness}, bound as SCR binds them to the scripted gateway and to
 * {@link HttpSettings} with the given body limit. Each context has servlets of its own; the fields are those of
 * the async context at {@code /}.
 */
final class OpenAiIngress extends IngressUnderTest {
    final ChatCompletionsServlet chat = new ChatCompletionsServlet();
    final EmbeddingsServlet embeddings = new EmbeddingsServlet();
    final ModelsServlet models = new ModelsServlet();

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
            s.gateway = gateway();
            s.settings = settings;
        }
        serve(
                maxThreads,
                routes -> mount(routes, chat, embeddings, models),
                routes -> mount(routes, blockingChat, blockingEmbeddings, blockingModels));
        asyncTimeout(millis -> chat.calls.asyncTimeoutMillis = millis, ChatCompletionsServlet.ASYNC_TIMEOUT_MILLIS);
    }

    /** Maps the servlets as their whiteboard properties do. */
    private static void mount(
            JettyHarness.Routes routes, ChatCompletionsServlet c, EmbeddingsServlet e, ModelsServlet m) {
        routes.servlet(c, "/v1/chat/completions").servlet(e, "/v1/embeddings").servlet(m, "/v1/models", "/v1/models/*");
    }

    String baseUrl() {
        return jetty().url("/v1");
    }

    String blockingBaseUrl() {
        return jetty().url(JettyHarness.BLOCKING + "/v1");
    }
}
