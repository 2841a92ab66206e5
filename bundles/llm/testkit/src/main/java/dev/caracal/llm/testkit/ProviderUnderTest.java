package dev.caracal.llm.testkit;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.support.Delayer;
import java.util.Map;
import org.osgi.framework.BundleContext;

/**
 * One provider bundle as the shared scenarios ({@link AsyncCompletionScenarios}, {@link StreamingScenarios}, ...) see
 * it: how to build its chat model and its Declarative Services component against a mock upstream, what its wire
 * format looks like ({@link Wire}), how its upstream answers errors, and what it can do. Each provider's test tree
 * implements this once; each of its scenario test classes hands it to the base it extends.
 *
 * @param <M> the provider's chat model, closed by the scenarios when they are done with it
 */
public interface ProviderUnderTest<M extends ChatModel & AutoCloseable> {

    /** The provider kind, as registered in {@code caracal.llm.provider}: {@code openai}, {@code anthropic}, ... */
    String kind();

    /** The id of the provider account that {@link #chatModel} configures (it names the provider in messages). */
    String providerId();

    /** A chat model name that the provider and aimock accept. */
    String model();

    /** A model name that reasons (aimock sends OpenAI reasoning only for reasoning-capable names). */
    default String reasoningModel() {
        return model();
    }

    /** The API key that {@link #chatModel} configures (a mock started with it accepts the model's requests). */
    String apiKey();

    /** The base URL to configure for a server at {@code root} ({@code http://host:port}, no trailing slash). */
    String baseUrl(String root);

    /**
     * A chat model for the upstream at {@code baseUrl}, configured as {@link ProviderTests#testConfigValues} says
     * (no retries, a 10 s timeout) with the id {@link #providerId()}, the key {@link #apiKey()}, then
     * {@code overrides} (names of the provider's configuration). {@code delayer} waits between retries; {@code null}
     * waits for real.
     */
    M chatModel(String baseUrl, Map<String, Object> overrides, Delayer delayer);

    /** The {@code toString()} of the settings that {@link #chatModel} would use (it must never show the key). */
    String settingsText(String baseUrl, Map<String, Object> overrides);

    /** Whether the settings made of exactly this configuration (defaults for the rest) hold an API key. */
    boolean hasApiKey(Map<String, Object> configuration);

    /**
     * The provider's Declarative Services component activated with this configuration (defaults for the rest), its
     * services registered into {@code context}; closing it deactivates the component.
     */
    AutoCloseable activate(BundleContext context, Map<String, Object> configuration);

    /** How the provider's wire format looks, as far as the scenarios' assertions depend on it. */
    Wire wire();

    /** The {@code type} of the vendor's error envelope for an HTTP status, or {@code null} where it has none. */
    String errorType(int status);

    /** A message the vendor's upstream would send with an HTTP status (400-599). */
    String errorMessage(int status);

    /** How the provider's message for an HTTP error answer of the upstream at {@code baseUrl} begins. */
    String answeredHttp(String baseUrl, int status);

    /** Whether the provider serves embedding models ({@link #embeddingModel}); scenarios about them skip otherwise. */
    default boolean hasEmbeddings() {
        return false;
    }

    /** An embedding model of {@code chat}'s provider account for {@code name}, of {@code dimensions} (0: unknown). */
    default EmbeddingModel embeddingModel(M chat, String name, int dimensions) {
        throw new UnsupportedOperationException(kind() + " has no embeddings API");
    }
}
