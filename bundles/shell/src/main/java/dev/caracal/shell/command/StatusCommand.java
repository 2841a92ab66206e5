package dev.caracal.shell.command;

import dev.caracal.core.health.HealthRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * {@code caracal:status}: every plugin by kind (embedding models, index types, LLM providers, cache backends,
 * parsers, chunkers, HTTP surfaces) as the service registry shows it now, Caracal's bundles with their state (a
 * stopped plugin shows here), and the health checks.
 */
@Service
@Command(
        scope = "caracal",
        name = "status",
        description = "Show every Caracal plugin by kind, its bundle state, and health")
public class StatusCommand implements Action {

    /** A kind of plugin and the service property that names it. */
    record Kind(String label, String property, String objectClass) {}

    static final List<Kind> KINDS = List.of(
            new Kind("embedding model", "caracal.embedding.model", null),
            new Kind("index type", "caracal.index.type", null),
            new Kind("llm provider", "caracal.provider.id", null),
            new Kind("cache backend", "caracal.cache.backend", null),
            new Kind("parser", "caracal.parser.types", null),
            new Kind("chunker", "caracal.chunker.strategy", null),
            new Kind("gateway filter", "caracal.gateway.filter", null),
            new Kind("http surface", "osgi.http.whiteboard.servlet.name", "javax.servlet.Servlet"));

    @Reference
    BundleContext bundleContext;

    @Reference(optional = true)
    HealthRegistry health;

    @Option(name = "--no-format", description = "Plain output without table borders")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        ShellTable plugins = new ShellTable();
        plugins.column("Kind");
        plugins.column("Name");
        plugins.column("Bundle");
        plugins.column("State");
        plugins.column("Details");
        for (Kind kind : KINDS) {
            for (Row row : rows(kind, references(kind))) {
                plugins.addRow().addContent(kind.label(), row.name(), row.bundle(), "active", row.details());
            }
        }
        plugins.addRow()
                .addContent(
                        "index type",
                        "flat",
                        "dev.caracal.vector.store",
                        storeActive() ? "active" : "absent",
                        "built-in exact scan");
        System.out.println("Plugins");
        plugins.print(System.out, !noFormat);

        ShellTable bundles = new ShellTable();
        bundles.column("Bundle");
        bundles.column("Version");
        bundles.column("State");
        List<Bundle> ours = new ArrayList<>();
        for (Bundle b : bundleContext.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("dev.caracal.")) {
                ours.add(b);
            }
        }
        ours.sort(Comparator.comparing(Bundle::getSymbolicName));
        for (Bundle b : ours) {
            boolean fragment = b.getHeaders("").get(org.osgi.framework.Constants.FRAGMENT_HOST) != null;
            bundles.addRow()
                    .addContent(
                            b.getSymbolicName(),
                            b.getVersion().toString(),
                            fragment && b.getState() == Bundle.RESOLVED ? "fragment (attached)" : state(b.getState()));
        }
        System.out.println();
        System.out.println("Bundles");
        bundles.print(System.out, !noFormat);

        System.out.println();
        if (health == null) {
            System.out.println("Health: the health registry (caracal-core) is not running");
        } else {
            ShellTable checks = new ShellTable();
            checks.column("Check");
            checks.column("Status");
            checks.column("Ready");
            checks.column("Message");
            for (HealthRegistry.Entry e : health.entries()) {
                checks.addRow()
                        .addContent(
                                e.name(),
                                e.result().status().name(),
                                e.ready() ? "yes" : "no",
                                e.result().message() == null ? "" : e.result().message());
            }
            System.out.println("Health: " + health.overall() + (health.ready() ? ", ready" : ", not ready"));
            checks.print(System.out, !noFormat);
        }
        return null;
    }

    private List<ServiceReference<?>> references(Kind kind) throws InvalidSyntaxException {
        ServiceReference<?>[] refs =
                bundleContext.getAllServiceReferences(kind.objectClass(), "(" + kind.property() + "=*)");
        if (refs == null) {
            return List.of();
        }
        List<ServiceReference<?>> list = new ArrayList<>(Arrays.asList(refs));
        list.sort(Comparator.comparing(r -> name(r, kind)));
        return list;
    }

    private boolean storeActive() throws InvalidSyntaxException {
        ServiceReference<?>[] refs = bundleContext.getAllServiceReferences("dev.caracal.vector.VectorStore", null);
        return refs != null && refs.length > 0;
    }

    /** One plugin as the table shows it. */
    record Row(String name, String bundle, String details) {}

    /**
     * The rows of {@code kind}: one per plugin, however many services it registers (a provider registers its chat
     * model, its embedding models and its batch service under one id: one row, naming what it serves).
     */
    static List<Row> rows(Kind kind, List<ServiceReference<?>> refs) {
        Map<String, Row> rows = new LinkedHashMap<>();
        Map<String, Set<String>> serves = new LinkedHashMap<>();
        for (ServiceReference<?> ref : refs) {
            Bundle b = ref.getBundle();
            if (b == null || (kind.objectClass() != null && !b.getSymbolicName().startsWith("dev.caracal."))) {
                continue;
            }
            String name = name(ref, kind);
            String key = name + "\u0000" + b.getSymbolicName();
            rows.putIfAbsent(key, new Row(name, b.getSymbolicName(), details(ref, kind)));
            Set<String> types = serves.computeIfAbsent(key, k -> new TreeSet<>());
            if (ref.getProperty("objectClass") instanceof String[] classes) {
                for (String c : classes) {
                    types.add(c.substring(c.lastIndexOf('.') + 1));
                }
            }
        }
        if (!kind.property().equals("caracal.provider.id")) {
            return new ArrayList<>(rows.values());
        }
        List<Row> out = new ArrayList<>();
        rows.forEach((key, row) -> out.add(
                new Row(row.name(), row.bundle(), row.details() + "; serves " + String.join(", ", serves.get(key)))));
        return out;
    }

    static String name(ServiceReference<?> ref, Kind kind) {
        return text(ref.getProperty(kind.property()));
    }

    static String details(ServiceReference<?> ref, Kind kind) {
        if (kind.property().equals("caracal.provider.id")) {
            return "provider " + text(ref.getProperty("caracal.llm.provider"));
        }
        if (kind.objectClass() != null) {
            return text(ref.getProperty("osgi.http.whiteboard.servlet.pattern"));
        }
        Object ranking = ref.getProperty("service.ranking");
        return ranking == null ? "" : "ranking " + ranking;
    }

    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String[] arr) {
            return String.join(", ", arr);
        }
        if (value instanceof Iterable<?> it) {
            List<String> parts = new ArrayList<>();
            it.forEach(o -> parts.add(String.valueOf(o)));
            return String.join(", ", parts);
        }
        return value.toString();
    }

    static String state(int state) {
        switch (state) {
            case Bundle.ACTIVE:
                return "active";
            case Bundle.RESOLVED:
                return "resolved (stopped)";
            case Bundle.INSTALLED:
                return "installed (unresolved)";
            case Bundle.STARTING:
                return "starting";
            case Bundle.STOPPING:
                return "stopping";
            default:
                return Integer.toString(state).toLowerCase(Locale.ROOT);
        }
    }
}
