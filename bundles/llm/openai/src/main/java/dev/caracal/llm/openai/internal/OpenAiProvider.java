package dev.caracal.llm.openai.internal;

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
 * One configured OpenAI account or endpoint (factory PID {@value #PID}; Karaf file
 * {@code etc/dev.caracal.llm.openai-<name>.cfg}). It registers, by hand so that no configuration property (the API
 * key above all) becomes a service property:
 * <ul>
 *   <li>a {@link ChatModel} with {@code caracal.llm.provider=openai} and {@code caracal.provider.id=<id>};</li>
 *   <li>an {@link EmbeddingModel} per entry of {@code embeddingModels}, with
 *       {@code caracal.embedding.model=<id>/<model>}, {@code caracal.provider.id=<id>} and
 *       {@code caracal.llm.provider=openai}.</li>
 * </ul>
 * A configuration change re-creates the instance (Declarative Services deactivates and activates it); streams in
 * flight on the old instance end with an {@code UNAVAILABLE} error event.
 */
@Component(
        configurationPid = OpenAiProvider.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = OpenAiConfig.class, factory = true)
public class OpenAiProvider {

    public static final String PID = "dev.caracal.llm.openai";
    public static final String PROVIDER_KIND = "openai";

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiProvider.class);

    private OpenAiChatModel chat;
    private ProviderRegistrations registrations;

    @Activate
    public OpenAiProvider(BundleContext context, OpenAiConfig config) {
        Settings settings = Settings.from(config);
        if (Secret.isUnresolvedPlaceholder(config.apiKey())) {
            LOG.warn(
                    "OpenAI provider {}: the apiKey placeholder {} was not resolved (environment variable not set?);"
                            + " calling without a key",
                    settings.id(),
                    config.apiKey().trim());
        }
        chat = new OpenAiChatModel(settings);
        List<OpenAiEmbeddingModel> embeddings = new ArrayList<>();
        for (Settings.EmbeddingSpec spec : settings.embeddingModels()) {
            try {
                embeddings.add(OpenAiEmbeddingModel.of(chat, spec));
            } catch (IllegalArgumentException e) {
                LOG.warn("OpenAI provider {}: embedding model not registered: {}", settings.id(), e.getMessage());
            }
        }
        registrations = new ProviderRegistrations(context, PROVIDER_KIND, settings.id());
        registrations.registerChat(chat, "OpenAI provider " + settings.id() + " at " + settings.baseUrl());
        for (OpenAiEmbeddingModel embedding : embeddings) {
            registrations.registerEmbedding(
                    embedding, "OpenAI embedding model " + embedding.upstreamModel() + " of " + settings.id());
        }
        LOG.info(
                "OpenAI provider {} at {} ({}; embedding models {})",
                settings.id(),
                settings.baseUrl(),
                settings.hasApiKey() ? "API key set" : "no API key",
                embeddings.stream().map(OpenAiEmbeddingModel::name).toList());
    }

    @Deactivate
    void deactivate() {
        if (registrations != null) {
            registrations.unregisterAll();
            registrations = null;
        }
        if (chat != null) {
            chat.close();
            LOG.info("OpenAI provider {} stopped", chat.providerId());
            chat = null;
        }
    }
}
