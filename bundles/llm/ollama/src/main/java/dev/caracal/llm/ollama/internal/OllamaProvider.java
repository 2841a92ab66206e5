package dev.caracal.llm.ollama.internal;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.EmbeddingModel;
import dev.caracal.llm.support.ProviderRegistrations;
import dev.caracal.llm.support.Secret;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.BundleContext;
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
@Component(
        configurationPid = OllamaProvider.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = OllamaConfig.class, factory = true)
public class OllamaProvider {

    public static final String PID = "dev.caracal.llm.ollama";
    public static final String PROVIDER_KIND = "ollama";

    private static final Logger LOG = LoggerFactory.getLogger(OllamaProvider.class);

    private OllamaChatModel chat;
    private ProviderRegistrations registrations;

    @Activate
    public OllamaProvider(BundleContext context, OllamaConfig config) {
        Settings settings = Settings.from(config);
        if (Secret.isUnresolvedPlaceholder(config.apiKey())
                && !settings.apiKey().isPresent()) {
            LOG.warn(
                    "Ollama provider {}: the apiKey placeholder {} was not resolved (environment variable not set?);"
                            + " calling without a key",
                    settings.id(),
                    config.apiKey().trim());
        }
        chat = new OllamaChatModel(settings);
        List<OllamaEmbeddingModel> embeddings = new ArrayList<>();
        for (Settings.EmbeddingSpec spec : settings.embeddingModels()) {
            embeddings.add(new OllamaEmbeddingModel(chat, spec));
        }
        registrations = new ProviderRegistrations(context, PROVIDER_KIND, settings.id());
        registrations.registerChat(chat, "Ollama provider " + settings.id() + " at " + settings.baseUrl());
        for (OllamaEmbeddingModel embedding : embeddings) {
            registrations.registerEmbedding(
                    embedding, "Ollama embedding model " + embedding.upstreamModel() + " of " + settings.id());
        }
        LOG.info(
                "Ollama provider {} at {} ({}; embedding models {})",
                settings.id(),
                settings.baseUrl(),
                settings.apiKey().isPresent() ? "API key set" : "no API key",
                embeddings);
    }

    @Deactivate
    void deactivate() {
        if (registrations != null) {
            registrations.unregisterAll();
            registrations = null;
        }
        if (chat != null) {
            chat.close();
            LOG.info("Ollama provider {} stopped", chat.providerId());
            chat = null;
        }
    }
}
