package dev.caracal.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthStatus;
import java.lang.annotation.Annotation;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthRegistryImplTest {

    static HealthCheck check(String name, HealthCheck.Result result) {
        return new HealthCheck() {
            public String name() {
                return name;
            }

            public Result check() {
                return result;
            }
        };
    }

    static HealthRegistryImpl registry(String... required) {
        HealthRegistryImpl r = new HealthRegistryImpl();
        r.configure(new HealthRegistryImpl.Config() {
            public String[] required() {
                return required;
            }

            public Class<? extends Annotation> annotationType() {
                return HealthRegistryImpl.Config.class;
            }
        });
        return r;
    }

    @Test
    void notReadyUntilRequiredChecksArrive() {
        HealthRegistryImpl r = registry("vector-store");
        assertFalse(r.ready());
        assertEquals(List.of("vector-store"), r.missingRequired(r.entries()));
        assertEquals(HealthStatus.UP, r.overall());
        HealthCheck store = check("vector-store", HealthCheck.Result.up("3 collections"));
        r.checks.add(store);
        assertTrue(r.ready());
        r.checks.remove(store);
        assertFalse(r.ready());
    }

    @Test
    void requiredNamesMayBeCommaSeparatedAsInACfgFile() {
        HealthRegistryImpl r = registry("vector-store, http");
        assertEquals(List.of("http", "vector-store"), r.missingRequired(r.entries()));
    }

    @Test
    void overallIsTheWorstAndAFailingCheckIsDown() {
        HealthRegistryImpl r = registry();
        r.checks.add(check("b", HealthCheck.Result.degraded("index plugin absent")));
        r.checks.add(check("a", HealthCheck.Result.up("ok")));
        assertEquals(HealthStatus.DEGRADED, r.overall());
        assertTrue(r.ready(), "degraded still serves");
        assertEquals("a", r.entries().get(0).name());
        r.checks.add(new HealthCheck() {
            public String name() {
                return "c";
            }

            public Result check() {
                throw new IllegalStateException("boom");
            }
        });
        assertEquals(HealthStatus.DOWN, r.overall());
        assertFalse(r.ready());
    }
}
