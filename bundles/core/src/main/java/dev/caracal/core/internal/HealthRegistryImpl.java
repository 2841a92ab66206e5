package dev.caracal.core.internal;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthRegistry;
import dev.caracal.core.health.HealthStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Aggregates the {@link HealthCheck} services. A check that throws counts as DOWN. Checks named in {@code required}
 * must be present for the container to be ready, so {@code /readyz} does not answer ready before the components a
 * user needs have started.
 */
@Component(service = HealthRegistry.class, configurationPid = "dev.caracal.core.health")
@Designate(ocd = HealthRegistryImpl.Config.class)
public class HealthRegistryImpl implements HealthRegistry {

    @ObjectClassDefinition(name = "Caracal health", description = "What /readyz waits for.")
    public @interface Config {
        @AttributeDefinition(description = "Health checks that must be registered and ready before /readyz says ready.")
        String[] required() default {"startup", "vector-store", "http", "llm-providers"};
    }

    /**
     * The checks, added and removed in place by SCR (field injection, update option); package-private so that the
     * tests in this package add and remove checks as SCR does.
     */
    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            fieldOption = FieldOption.UPDATE)
    final List<HealthCheck> checks = new CopyOnWriteArrayList<>();

    private volatile Set<String> required = Set.of();

    @Activate
    @Modified
    void configure(Config config) {
        // a .cfg file gives one string: accept comma-separated names as well as an array
        Set<String> names = new java.util.TreeSet<>();
        for (String entry : config.required()) {
            for (String name : entry.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.trim());
                }
            }
        }
        required = Set.copyOf(names);
    }

    @Override
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (HealthCheck check : checks) {
            out.add(evaluate(check));
        }
        out.sort(Comparator.comparing(Entry::name));
        return out;
    }

    static Entry evaluate(HealthCheck check) {
        String name;
        try {
            name = check.name();
        } catch (RuntimeException e) {
            name = check.getClass().getName();
        }
        try {
            HealthCheck.Result result = check.check();
            return new Entry(name, result, check.readiness());
        } catch (RuntimeException e) {
            return new Entry(
                    name, new HealthCheck.Result(HealthStatus.DOWN, "health check failed: " + e, Map.of()), false);
        }
    }

    @Override
    public HealthStatus overall() {
        HealthStatus status = HealthStatus.UP;
        for (Entry e : entries()) {
            status = status.worst(e.result().status());
        }
        return status;
    }

    @Override
    public boolean ready() {
        return missingRequired(entries()).isEmpty() && entries().stream().allMatch(Entry::ready);
    }

    /** Required checks not registered yet. */
    public List<String> missingRequired(List<Entry> entries) {
        List<String> missing = new ArrayList<>();
        for (String name : required) {
            if (entries.stream().noneMatch(e -> e.name().equals(name))) {
                missing.add(name);
            }
        }
        missing.sort(null);
        return missing;
    }
}
