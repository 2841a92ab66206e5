package dev.caracal.core.internal;

import dev.caracal.core.http.HttpSettings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** HTTP settings every surface reads, applied live when {@code etc/dev.caracal.core.http.cfg} changes. */
@Component(service = HttpSettings.class, configurationPid = "dev.caracal.core.http")
@Designate(ocd = HttpSettingsImpl.Config.class)
public class HttpSettingsImpl implements HttpSettings {

    @ObjectClassDefinition(name = "Caracal HTTP", description = "Limits shared by every Caracal HTTP surface.")
    public @interface Config {
        @AttributeDefinition(description = "Largest request body accepted, in bytes (413 above it).")
        long maxBodyBytes() default 32L * 1024 * 1024;
    }

    private volatile long maxBodyBytes;

    @Activate
    @Modified
    void configure(Config config) {
        maxBodyBytes = Math.max(1024, config.maxBodyBytes());
    }

    @Override
    public long maxBodyBytes() {
        return maxBodyBytes;
    }
}
