package dev.caracal.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.http.RequestGuard;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

class GuardFilterTest {

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
                List.of(guard("low", true, ran), guard("middle", false, ran), guard("high", true, ran)));
        filter.doFilter(
                untouched(HttpServletRequest.class),
                untouched(HttpServletResponse.class),
                (request, response) -> served.set(true));
        assertEquals(List.of("high", "middle"), ran);
        assertFalse(served.get(), "a refused request reaches no servlet");
    }

    @Test
    void aRequestEveryGuardAdmitsIsServed() throws Exception {
        List<String> ran = new ArrayList<>();
        AtomicBoolean served = new AtomicBoolean();
        new GuardFilter(List.of(guard("low", true, ran), guard("high", true, ran)))
                .doFilter(
                        untouched(HttpServletRequest.class),
                        untouched(HttpServletResponse.class),
                        (request, response) -> served.set(true));
        assertEquals(List.of("high", "low"), ran);
        assertTrue(served.get());

        served.set(false);
        new GuardFilter()
                .doFilter(
                        untouched(HttpServletRequest.class),
                        untouched(HttpServletResponse.class),
                        (request, response) -> served.set(true));
        assertTrue(served.get(), "without guards every request passes");
    }
}
