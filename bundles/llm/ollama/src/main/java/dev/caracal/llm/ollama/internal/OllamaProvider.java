package dev.caracal.llm.ollama.internal;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.support.Secret;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured Ollama server (factory PID {@value #PID}; Karaf file {@code etc/dev.caracal.llm.ollama-<name>.cfg}).
 * It registers, by hand so that no configuration property (a proxy's API key above all) becomes a service property:
 * <ul>
 *   <li>a {@link ChatModel} with {@code caracal.llm.provider=ollama} and {@code caracal.provider.id=<id>};</li>
 *   <li>an {@link EmbeddingModel} per entry of {@code embeddingModels}, with
 *       {@code caracal.embedding.model=<id>/<model>}, {@code caracal.provider.id=<id>} and
 *       {@code caracal.llm.provider=ollama}.</li>
 * </ul>
 * Nothing is sent to the server at activation: Ollama need not be running for the services to be registered.
 * A configuration change re-creates the instance; streams in flight on the old one end with an {@code UNAVAILABLE}
 * error event.
 */
@Component(configurationPid = OllamaProvider.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = OllamaConfig.class, factory = true)
public class OllamaProvider {

    public static final String PID = "dev.caracal.llm.ollama";
    public static final String PROVIDER_KIND = "ollama";

    private static final Logger LOG = LoggerFactory.getLogger(OllamaProvider.class);

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private OllamaChatModel chat;

    @Activate
    public OllamaProvider(BundleContext context, OllamaConfig config) {
        Settings settings = Settings.from(config);
        if (Secret.isUnresolvedPlaceholder(config.apiKey()) && !settings.apiKey().isPresent()) {
            LOG.warn("Ollama provider {}: the apiKey placeholder {} was not resolved (environment variable not set?);"
                    + " calling without a key", settings.id(), config.apiKey().trim());
        }
        chat = new OllamaChatModel(settings);
        List<OllamaEmbeddingModel> embeddings = new ArrayList<>();
        for (Settings.EmbeddingSpec spec : settings.embeddingModels()) {
            embeddings.add(new OllamaEmbeddingModel(chat, spec));
        }
        registrations.add(context.registerService(ChatModel.class, chat, chatProperties(settings)));
        for (OllamaEmbeddingModel embedding : embeddings) {
            registrations.add(context.registerService(EmbeddingModel.class, embedding,
                    embeddingProperties(settings, embedding)));
        }
        LOG.info("Ollama provider {} at {} ({}; embedding models {})", settings.id(), settings.baseUrl(),
                settings.apiKey().isPresent() ? "API key set" : "no API key", embeddings);
    }

    static Dictionary<String, Object> chatProperties(Settings settings) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(LlmProperties.PROVIDER, PROVIDER_KIND);
        p.put(LlmProperties.PROVIDER_ID, settings.id());
        p.put("service.description", "Ollama provider " + settings.id() + " at " + settings.baseUrl());
        return p;
    }

    static Dictionary<String, Object> embeddingProperties(Settings settings, OllamaEmbeddingModel model) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(LlmProperties.EMBEDDING_MODEL, model.name());
        p.put(LlmProperties.PROVIDER, PROVIDER_KIND);
        p.put(LlmProperties.PROVIDER_ID, settings.id());
        p.put("service.description", "Ollama embedding model " + model.upstreamModel() + " of " + settings.id());
        return p;
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it
            }
        }
        registrations.clear();
        if (chat != null) {
            chat.close();
            LOG.info("Ollama provider {} stopped", chat.providerId());
            chat = null;
        }
    }
}
