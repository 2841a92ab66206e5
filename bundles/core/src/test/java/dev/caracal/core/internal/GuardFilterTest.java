package dev.caracal.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthRegistry;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.core.http.RequestGuard;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

class GuardFilterTest {
    /** A registry that is ready: the startup gate lets everything through. */
    static final HealthRegistry READY = new HealthRegistry() {
        @Override
        public List<Entry> entries() {
            return List.of();
        }

        @Override
        public HealthStatus overall() {
            return HealthStatus.UP;
        }

        @Override
        public boolean ready() {
            return true;
        }
    };

    /** An object of {@code type} that no guard here looks into. */
    static <T> T untouched(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            throw new AssertionError("the guard looked at " + method.getName());
        }));
    }

    static RequestGuard guard(String name, boolean admit, List<String> ran) {
        return (request, response) -> {
            ran.add(name);
            return admit;
        };
    }

    @Test
    void theHighestRankedGuardRunsFirstAndARefusalEndsTheRequest() throws Exception {
        List<String> ran = new ArrayList<>();
        AtomicBoolean served = new AtomicBoolean();
        // as SCR binds them: ordered as their service references, the lowest ranking first
        GuardFilter filter = new GuardFilter(
                List.of(guard("low", true, ran), guard("middle", false, ran), guard("high", true, ran)), READY);
        filter.doFilter(
                ServletFakes.request("/api/v1/collections", Map.of()),
                untouched(HttpServletResponse.class),
                (request, response) -> served.set(true));
        assertEquals(List.of("high", "middle"), ran);
        assertFalse(served.get(), "a refused request reaches no servlet");
    }

    @Test
    void aRequestEveryGuardAdmitsIsServed() throws Exception {
        List<String> ran = new ArrayList<>();
        AtomicBoolean served = new AtomicBoolean();
        new GuardFilter(List.of(guard("low", true, ran), guard("high", true, ran)), READY)
                .doFilter(
                        ServletFakes.request("/api/v1/collections", Map.of()),
                        untouched(HttpServletResponse.class),
                        (request, response) -> served.set(true));
        assertEquals(List.of("high", "low"), ran);
        assertTrue(served.get());
    }

    @Test
    void withoutAGuardNothingButHealthIsServed() throws Exception {
        AtomicBoolean served = new AtomicBoolean();
        ServletFakes.Recorded r = new ServletFakes.Recorded();
        new GuardFilter(List.of(), READY)
                .doFilter(
                        ServletFakes.request("/v1/models", Map.of()),
                        r.response(),
                        (request, response) -> served.set(true));
        assertEquals(503, r.status);
        assertFalse(served.get(), "fail closed: no guard, no service");
        new GuardFilter(List.of(), READY)
                .doFilter(
                        ServletFakes.request("/readyz", Map.of()),
                        untouched(HttpServletResponse.class),
                        (request, response) -> served.set(true));
        assertTrue(served.get(), "health is never guarded");
    }

    @Test
    void whileStartingNoGuardRunsAndTheApiIsAnswered503() throws Exception {
        List<String> ran = new ArrayList<>();
        AtomicBoolean served = new AtomicBoolean();
        HealthRegistry starting = new HealthRegistry() {
            @Override
            public List<Entry> entries() {
                return List.of();
            }

            @Override
            public HealthStatus overall() {
                return HealthStatus.DOWN;
            }

            @Override
            public boolean ready() {
                return false;
            }
        };
        ServletFakes.Recorded r = new ServletFakes.Recorded();
        new GuardFilter(List.of(guard("only", true, ran)), starting)
                .doFilter(
                        ServletFakes.request("/api/v1/collections", Map.of()),
                        r.response(),
                        (request, response) -> served.set(true));
        assertEquals(503, r.status);
        assertEquals(List.of(), ran);
        assertFalse(served.get());
    }
}
