package dev.caracal.gateway.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.gateway.GatewayFilter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** gateway:filters against a registry of filters: the gateway's order, each filter's own name, its bundle. */
class FiltersCommandTest {

    /** A registered filter: its service, properties and bundle. */
    record Registration(GatewayFilter filter, Map<String, Object> properties, String bundle) {}

    final List<Registration> registry = new ArrayList<>();
    final AtomicInteger held = new AtomicInteger();

    void register(String name, String bundle, Object ranking, long serviceId, boolean discoverable) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_ID, serviceId);
        if (ranking != null) {
            properties.put(Constants.SERVICE_RANKING, ranking);
        }
        if (discoverable) {
            properties.put(GatewayFilter.NAME_PROPERTY, name);
        }
        registry.add(new Registration(() -> name, properties, bundle));
    }

    @SuppressWarnings("unchecked")
    ServiceReference<GatewayFilter> reference(Registration r) {
        Bundle bundle = proxy(Bundle.class, (method, args) -> switch (method) {
            case "getSymbolicName" -> r.bundle();
            default -> throw new UnsupportedOperationException(method);
        });
        return proxy(ServiceReference.class, (method, args) -> switch (method) {
            case "getProperty" -> r.properties().get((String) args[0]);
            case "getBundle" -> bundle;
            case "toString" -> "reference to " + r.properties();
            default -> throw new UnsupportedOperationException(method);
        });
    }

    BundleContext context() {
        List<ServiceReference<GatewayFilter>> references = new ArrayList<>();
        Map<Object, GatewayFilter> services = new java.util.IdentityHashMap<>();
        for (Registration r : registry) {
            ServiceReference<GatewayFilter> ref = reference(r);
            references.add(ref);
            services.put(ref, r.filter());
        }
        return proxy(BundleContext.class, (method, args) -> switch (method) {
            case "getServiceReferences" -> {
                assertEquals(GatewayFilter.class, args[0]);
                yield references;
            }
            case "getService" -> {
                held.incrementAndGet();
                yield services.get(args[0]);
            }
            case "ungetService" -> {
                held.decrementAndGet();
                yield true;
            }
            default -> throw new UnsupportedOperationException(method);
        });
    }

    interface Handler {
        Object invoke(String method, Object[] args);
    }

    static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(
                FiltersCommandTest.class.getClassLoader(),
                new Class<?>[] {type},
                (self, method, args) -> handler.invoke(method.getName(), args)));
    }

    String run() throws Exception {
        FiltersCommand command = new FiltersCommand();
        command.context = context();
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            command.execute();
        } finally {
            System.setOut(out);
        }
        return o.toString(StandardCharsets.UTF_8);
    }

    /** The table's rows as "position ranking name bundle", one string per row. */
    static List<String> rows(String table) {
        List<String> rows = new ArrayList<>();
        for (String line : table.lines().skip(2).toList()) {
            rows.add(String.join(" ", line.replace("|", " ").trim().split("\\s+")));
        }
        return rows;
    }

    @Test
    void listsTheFiltersInTheOrderCallsPassThem() throws Exception {
        register("recorder", "dev.caracal.gateway.recorder", null, 12, true);
        register("budget", "dev.caracal.gateway.budget", 100, 20, true);
        register("auth", "dev.caracal.gateway.auth", 1000, 30, true);
        register("pii", "dev.caracal.gateway.pii", 100, 15, false); // no discovery property: still a filter
        register("odd", "dev.caracal.gateway.odd", "7", 5, true); // a ranking that is no Integer counts as 0

        String out = run();
        assertEquals(
                List.of(
                        "1 1000 auth dev.caracal.gateway.auth",
                        "2 100 pii dev.caracal.gateway.pii",
                        "3 100 budget dev.caracal.gateway.budget",
                        "4 0 odd dev.caracal.gateway.odd",
                        "5 0 recorder dev.caracal.gateway.recorder"),
                rows(out),
                out);
        assertEquals(0, held.get(), "every service it got is released");
    }

    @Test
    void saysWhenThereIsNone() throws Exception {
        assertEquals("No gateway filters: every call goes straight to routing.", run().trim());
    }
}
