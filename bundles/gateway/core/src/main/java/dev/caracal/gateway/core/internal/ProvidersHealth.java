package dev.caracal.gateway.core.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.llm.LlmProperties;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Health check {@code llm-providers}: every LLM provider configured in {@code etc/} (a factory configuration of a
 * {@code dev.caracal.llm.*} PID) has registered its services. Until each one has attached or given up,
 * {@code /readyz} is not ready, so a chat call on the first ready poll does not meet a model that is still on its way
 * (it answered 404 then). See {@link ProviderStartup} for the rules.
 */
@Component(service = HealthCheck.class)
public class ProvidersHealth implements HealthCheck {
    static final String PROVIDER_PIDS = "(service.factoryPid=dev.caracal.llm.*)";

    private final BundleContext context;

    @Reference
    private ConfigurationAdmin configurations;

    @Reference
    private ServiceComponentRuntime components;

    @Activate
    public ProvidersHealth(BundleContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "llm-providers";
    }

    @Override
    public Result check() {
        return ProviderStartup.result(providers());
    }

    @Override
    public boolean readiness() {
        return ProviderStartup.ready(providers());
    }

    List<ProviderStartup.Provider> providers() {
        Configuration[] configs;
        try {
            configs = configurations.listConfigurations(PROVIDER_PIDS);
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("cannot list the provider configurations", e);
        }
        List<ProviderStartup.Provider> out = new ArrayList<>();
        if (configs == null) {
            return out;
        }
        for (Configuration c : configs) {
            Object idValue =
                    c.getProperties() == null ? null : c.getProperties().get("id");
            String id = idValue == null || idValue.toString().isBlank()
                    ? null
                    : idValue.toString().trim();
            out.add(new ProviderStartup.Provider(c.getPid(), c.getFactoryPid(), id, stage(c, id)));
        }
        return out;
    }

    private ProviderStartup.Stage stage(Configuration c, String id) {
        if (id != null && registered(id)) {
            return ProviderStartup.Stage.ATTACHED;
        }
        Bundle bundle = activeBundle(c.getFactoryPid());
        if (bundle == null) {
            return ProviderStartup.Stage.NO_BUNDLE;
        }
        for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs(bundle)) {
            if (!List.of(description.configurationPid).contains(c.getFactoryPid())) {
                continue;
            }
            for (ComponentConfigurationDTO dto : components.getComponentConfigurationDTOs(description)) {
                if (c.getPid().equals(dto.properties.get(Constants.SERVICE_PID))) {
                    return switch (dto.state) {
                        case ComponentConfigurationDTO.FAILED_ACTIVATION,
                                ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> ProviderStartup.Stage.FAILED;
                        case ComponentConfigurationDTO.ACTIVE ->
                            id == null
                                    ? ProviderStartup.Stage.FAILED
                                    : ProviderStartup.Stage.STARTING; // registering its services right now
                        default -> ProviderStartup.Stage.STARTING;
                    };
                }
            }
        }
        return ProviderStartup.Stage.STARTING; // SCR has not created the configuration's component yet
    }

    private boolean registered(String id) {
        try {
            return context.getAllServiceReferences(null, "(" + LlmProperties.PROVIDER_ID + "=" + escape(id) + ")")
                    != null;
        } catch (InvalidSyntaxException e) {
            return false;
        }
    }

    private Bundle activeBundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) {
                return b;
            }
        }
        return null;
    }

    /** Escapes an LDAP filter value (RFC 4515). */
    static String escape(String value) {
        StringBuilder out = new StringBuilder();
        for (char ch : value.toCharArray()) {
            if (ch == '*' || ch == '(' || ch == ')' || ch == '\\' || ch == 0) {
                out.append('\\').append(String.format("%02x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
