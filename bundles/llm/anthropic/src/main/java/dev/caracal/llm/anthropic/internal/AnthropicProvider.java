package dev.caracal.llm.anthropic.internal;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.support.ProviderRegistrations;
import dev.caracal.llm.support.Secret;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured Anthropic account (factory PID {@value #PID}; Karaf file {@code etc/dev.caracal.llm.anthropic-<name>.cfg}).
 * It registers, by hand so that no configuration property (the API key above all) becomes a service property, a
 * {@link ChatModel} with {@code caracal.llm.provider=anthropic} and {@code caracal.provider.id=<id>}. Anthropic has no
 * embeddings API, so there is no {@code EmbeddingModel}. A configuration change re-creates the instance (Declarative
 * Services deactivates and activates it); streams in flight on the old instance end with an {@code UNAVAILABLE} error
 * event.
 */
@Component(
        configurationPid = AnthropicProvider.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = AnthropicConfig.class, factory = true)
public class AnthropicProvider {

    public static final String PID = "dev.caracal.llm.anthropic";
    public static final String PROVIDER_KIND = "anthropic";

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicProvider.class);

    private AnthropicChatModel chat;
    private ProviderRegistrations registrations;

    @Activate
    public AnthropicProvider(BundleContext context, AnthropicConfig config) {
        Settings settings = Settings.from(config);
        if (!settings.apiKey().isPresent()) {
            LOG.warn(
                    "Anthropic provider {}: no API key ({}); calls will be refused unless the endpoint needs none",
                    settings.id(),
                    Secret.isUnresolvedPlaceholder(config.apiKey())
                            ? "the environment variable of " + config.apiKey().trim() + " is not set"
                            : "apiKey is empty");
        }
        chat = new AnthropicChatModel(settings);
        registrations = new ProviderRegistrations(context, PROVIDER_KIND, settings.id());
        registrations.registerChat(chat, "Anthropic provider " + settings.id() + " at " + settings.baseUrl());
        LOG.info(
                "Anthropic provider {} at {} ({}; anthropic-version {})",
                settings.id(),
                settings.baseUrl(),
                settings.apiKey().isPresent() ? "API key set" : "no API key",
                settings.anthropicVersion());
    }

    @Deactivate
    void deactivate() {
        if (registrations != null) {
            registrations.unregisterAll();
            registrations = null;
        }
        if (chat != null) {
            chat.close();
            LOG.info("Anthropic provider {} stopped", chat.providerId());
            chat = null;
        }
    }
}
