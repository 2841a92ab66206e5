package dev.caracal.llm.support;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.LlmProperties;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The services of one configured provider instance, registered by hand (not by Declarative Services) so that no
 * configuration property, the API key above all, becomes a service property. A {@link ChatModel} gets
 * {@code caracal.llm.provider=<kind>}, {@code caracal.provider.id=<id>} and a {@code service.description}; an
 * {@link EmbeddingModel} gets {@code caracal.embedding.model=<its name>} as well. {@link #unregisterAll()} takes them
 * all back (those the framework already took back are skipped). Thread-safe.
 */
public final class ProviderRegistrations {

    private final BundleContext context;
    private final String kind;
    private final String providerId;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    /**
     * @param context    the provider bundle's context
     * @param kind       the provider kind, the value of {@link LlmProperties#PROVIDER} ({@code openai}, ...)
     * @param providerId the configured instance id, the value of {@link LlmProperties#PROVIDER_ID}
     */
    public ProviderRegistrations(BundleContext context, String kind, String providerId) {
        this.context = Objects.requireNonNull(context, "context");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.providerId = Objects.requireNonNull(providerId, "providerId");
    }

    /** Registers {@code chat} with {@link #chatProperties}. */
    public synchronized void registerChat(ChatModel chat, String description) {
        registrations.add(
                context.registerService(ChatModel.class, chat, chatProperties(kind, providerId, description)));
    }

    /** Registers {@code model} with {@link #embeddingProperties} (its {@link EmbeddingModel#name()} as the key). */
    public synchronized void registerEmbedding(EmbeddingModel model, String description) {
        registrations.add(context.registerService(
                EmbeddingModel.class, model, embeddingProperties(kind, providerId, model.name(), description)));
    }

    /** How many services are registered now. */
    public synchronized int size() {
        return registrations.size();
    }

    /** Unregisters every service registered here, in registration order; those already gone are skipped. */
    public synchronized void unregisterAll() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it
            }
        }
        registrations.clear();
    }

    /** The properties of a chat model service: provider kind, provider id and {@code service.description}. */
    public static Dictionary<String, Object> chatProperties(String kind, String providerId, String description) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(LlmProperties.PROVIDER, kind);
        p.put(LlmProperties.PROVIDER_ID, providerId);
        p.put("service.description", description);
        return p;
    }

    /** The properties of an embedding model service: the chat model's, plus the embedding model's name. */
    public static Dictionary<String, Object> embeddingProperties(
            String kind, String providerId, String name, String description) {
        Dictionary<String, Object> p = chatProperties(kind, providerId, description);
        p.put(LlmProperties.EMBEDDING_MODEL, name);
        return p;
    }
}
