package dev.caracal.llm.testkit;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.support.Delayer;
import java.util.Map;
import java.util.Objects;
import org.osgi.framework.BundleContext;

/**
 * One provider bundle as the shared scenarios ({@link AsyncCompletionScenarios}, {@link StreamingScenarios}, ...) see
 * it: how to build its chat model and its Declarative Services component against a mock upstream, what its wire
 * format looks like ({@link Wire}), how its upstream answers errors, and what it can do. Each provider's test tree
 * extends this once; each of its scenario test classes hands it to the base it extends.
 *
 * @param <M> the provider's chat model, closed by the scenarios when they are done with it
 */
public abstract class ProviderUnderTest<M extends ChatModel & AutoCloseable> {

    private final String kind;
    private final String providerId;
    private final String model;
    private final String apiKey;
    private final Wire wire;

    /**
     * @param kind the provider kind, as registered in {@code caracal.llm.provider}: {@code openai}, ...
     * @param providerId the id of the provider account that {@link #chatModel} configures
     * @param model a chat model name that the provider and aimock accept
     * @param apiKey the API key that {@link #chatModel} configures
     * @param wire how the provider's wire format looks
     */
    protected ProviderUnderTest(String kind, String providerId, String model, String apiKey, Wire wire) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.providerId = Objects.requireNonNull(providerId, "providerId");
        this.model = Objects.requireNonNull(model, "model");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.wire = Objects.requireNonNull(wire, "wire");
    }

    /** The provider kind, as registered in {@code caracal.llm.provider}: {@code openai}, {@code anthropic}, ... */
    public final String kind() {
        return kind;
    }

    /** The id of the provider account that {@link #chatModel} configures (it names the provider in messages). */
    public final String providerId() {
        return providerId;
    }

    /** A chat model name that the provider and aimock accept. */
    public final String model() {
        return model;
    }

    /** A model name that reasons (aimock sends OpenAI reasoning only for reasoning-capable names). */
    public String reasoningModel() {
        return model;
    }

    /** The API key that {@link #chatModel} configures (a mock started with it accepts the model's requests). */
    public final String apiKey() {
        return apiKey;
    }

    /** How the provider's wire format looks, as far as the scenarios' assertions depend on it. */
    public final Wire wire() {
        return wire;
    }

    /** The base URL to configure for a server at {@code root} ({@code http://host:port}, no trailing slash). */
    public abstract String baseUrl(String root);

    /**
     * A chat model for the upstream at {@code baseUrl}, configured as {@link ProviderTests#testConfigValues} says
     * (no retries, a 10 s timeout) with the id {@link #providerId()}, the key {@link #apiKey()}, then
     * {@code overrides} (names of the provider's configuration). {@code delayer} waits between retries; {@code null}
     * waits for real.
     */
    public abstract M chatModel(String baseUrl, Map<String, Object> overrides, Delayer delayer);

    /** The {@code toString()} of the settings that {@link #chatModel} would use (it must never show the key). */
    public abstract String settingsText(String baseUrl, Map<String, Object> overrides);

    /** Whether the settings made of exactly this configuration (defaults for the rest) hold an API key. */
    public abstract boolean hasApiKey(Map<String, Object> configuration);

    /**
     * The provider's Declarative Services component activated with this configuration (defaults for the rest), its
     * services registered into {@code context}; closing it deactivates the component.
     */
    public abstract AutoCloseable activate(BundleContext context, Map<String, Object> configuration);

    /** The {@code type} of the vendor's error envelope for an HTTP status, or {@code null} where it has none. */
    public abstract String errorType(int status);

    /** A message the vendor's upstream would send with an HTTP status (400-599). */
    public abstract String errorMessage(int status);

    /** How the provider's message for an HTTP error answer of the upstream at {@code baseUrl} begins. */
    public abstract String answeredHttp(String baseUrl, int status);

    /** Whether the provider serves embedding models ({@link #embeddingModel}); scenarios about them skip otherwise. */
    public boolean hasEmbeddings() {
        return false;
    }

    /** An embedding model of {@code chat}'s provider account for {@code name}, of {@code dimensions} (0: unknown). */
    public EmbeddingModel embeddingModel(M chat, String name, int dimensions) {
        throw new UnsupportedOperationException(kind + " has no embeddings API");
    }
}
