package dev.caracal.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

class StartupHealthTest {

    static Bundle bundle(String name, int state, String activationPolicy) {
        Dictionary<String, String> headers = new Hashtable<>();
        if (activationPolicy != null) {
            headers.put(Constants.BUNDLE_ACTIVATIONPOLICY, activationPolicy);
        }
        return (Bundle) Proxy.newProxyInstance(
                Bundle.class.getClassLoader(),
                new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getState" -> state;
                    case "getSymbolicName" -> name;
                    case "getHeaders" -> headers;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void eagerBundlesInStartingAreReportedLazyOnesAreNot() {
        Bundle[] bundles = {
            bundle("active", Bundle.ACTIVE, null),
            bundle("resolved", Bundle.RESOLVED, null),
            bundle("vector-http", Bundle.STARTING, null),
            bundle("lazy", Bundle.STARTING, "lazy;exclude:=\"x\""),
            bundle("gateway", Bundle.STARTING, ""),
        };
        assertEquals(List.of("vector-http", "gateway"), StartupHealth.startingBundles(bundles));
    }
}
