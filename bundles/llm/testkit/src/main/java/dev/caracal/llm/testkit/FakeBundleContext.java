package dev.caracal.llm.testkit;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * A {@link BundleContext} for provider component tests without a framework: it answers only
 * {@code registerService(Class, service, properties)}, recording each registration (and whether it was unregistered)
 * in {@link #registered()}; any other method throws {@link UnsupportedOperationException}.
 */
public final class FakeBundleContext {

    /** A registration recorded by the fake bundle context. */
    public record Registered(String clazz, Object service, Map<String, Object> properties, boolean[] unregistered) {}

    private final List<Registered> registered;
    private final BundleContext context;

    /** A fake context recording into a new list. */
    public FakeBundleContext() {
        this(new CopyOnWriteArrayList<>());
    }

    /** A fake context recording into {@code registered}. */
    public FakeBundleContext(List<Registered> registered) {
        this.registered = registered;
        this.context = (BundleContext) Proxy.newProxyInstance(
                BundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerService") && args[0] instanceof Class<?> type) {
                        Map<String, Object> props = new HashMap<>();
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> dict = (Dictionary<String, Object>) args[2];
                        for (String key : Collections.list(dict.keys())) {
                            props.put(key, dict.get(key));
                        }
                        boolean[] gone = {false};
                        registered.add(new Registered(type.getName(), args[1], props, gone));
                        return Proxy.newProxyInstance(
                                ServiceRegistration.class.getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("unregister")) {
                                        gone[0] = true;
                                    }
                                    return null;
                                });
                    }
                    if (method.getName().equals("toString")) {
                        return "FakeBundleContext";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A fake context recording into {@code registered}. */
    public static BundleContext recordingInto(List<Registered> registered) {
        return new FakeBundleContext(registered).context();
    }

    /** The context to give the component. */
    public BundleContext context() {
        return context;
    }

    /** The registrations so far, in order. */
    public List<Registered> registered() {
        return registered;
    }
}
