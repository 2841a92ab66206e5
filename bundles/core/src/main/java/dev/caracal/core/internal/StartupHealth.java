package dev.caracal.core.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Health check {@code startup}: ready once Karaf has installed and started its boot features (it then registers
 * {@code org.apache.karaf.features.BootFinished}) and no bundle is still in the middle of starting. Without it
 * {@code /readyz} could answer ready while a surface's bundle had not started yet, so its endpoint answered 404: the
 * {@code http} check only sees servlets that are already registered.
 *
 * <p>The Karaf class is looked up by name, so this bundle does not depend on the features service; outside Karaf
 * leave {@code startup} out of {@code required}.
 */
@Component(service = HealthCheck.class)
public class StartupHealth implements HealthCheck {

    static final String BOOT_FINISHED = "org.apache.karaf.features.BootFinished";

    private final BundleContext context;

    @Activate
    public StartupHealth(BundleContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public Result check() {
        if (!bootFinished()) {
            return Result.down("Karaf is still installing its boot features");
        }
        List<String> starting = startingBundles(context.getBundles());
        if (!starting.isEmpty()) {
            return new Result(
                    HealthStatus.DOWN,
                    "bundles still starting: " + String.join(", ", starting),
                    Map.of("starting", starting));
        }
        return Result.up("boot features started");
    }

    private boolean bootFinished() {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(BOOT_FINISHED, null);
            return refs != null && refs.length > 0;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bundles in STARTING that are not waiting for a class load (lazy activation stays STARTING by design). */
    static List<String> startingBundles(Bundle[] bundles) {
        List<String> out = new ArrayList<>();
        for (Bundle b : bundles) {
            if (b.getState() != Bundle.STARTING) {
                continue;
            }
            String policy = b.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
            if (policy != null && policy.trim().startsWith(Constants.ACTIVATION_LAZY)) {
                continue;
            }
            out.add(b.getSymbolicName());
        }
        return out;
    }
}
