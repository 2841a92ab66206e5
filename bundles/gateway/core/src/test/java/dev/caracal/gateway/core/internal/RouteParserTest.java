package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.Route;
import dev.caracal.gateway.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteParserTest {

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> p = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void parsesEveryProperty() {
        Route r = RouteParser.parse(
                props(
                        "name",
                        "fast",
                        "aliases",
                        "quick, speedy,quick",
                        "prefix",
                        "false",
                        "strategy",
                        "Weighted",
                        "targets",
                        "openai-main/gpt-4o-mini*3, anthropic-main/claude-3-5-haiku-latest"),
                "pid-1");
        assertEquals("fast", r.name());
        assertEquals(List.of("quick", "speedy"), r.aliases());
        assertFalse(r.prefix());
        assertEquals(Route.Strategy.WEIGHTED, r.strategy());
        assertEquals(
                List.of(
                        new Target("openai-main", "gpt-4o-mini", 3),
                        new Target("anthropic-main", "claude-3-5-haiku-latest", 1)),
                r.targets());
        assertEquals("pid-1", r.source());
    }

    @Test
    void splitsProviderFromModelAtTheFirstSlash() {
        Target t = RouteParser.target("together/meta-llama/Llama-3.3-70B-Instruct-Turbo*2");
        assertEquals("together", t.providerId());
        assertEquals("meta-llama/Llama-3.3-70B-Instruct-Turbo", t.model());
        assertEquals(2, t.weight());
        assertEquals(
                RouteParser.PASS_THROUGH, RouteParser.target("openai-main/*").model());
        assertEquals(0, RouteParser.target("openai-main/gpt-4o*0").weight());
    }

    @Test
    void acceptsArraysAndDefaults() {
        Route r = RouteParser.parse(
                props(
                        "name",
                        "gpt-",
                        "prefix",
                        Boolean.TRUE,
                        "targets",
                        new String[] {"openai-main/*", "backup/*"},
                        "strategy",
                        "least_latency"),
                "p");
        assertTrue(r.prefix());
        assertEquals(Route.Strategy.LEAST_LATENCY, r.strategy());
        assertEquals(2, r.targets().size());
        assertEquals(
                Route.Strategy.ORDERED,
                RouteParser.parse(props("name", "x", "targets", "a/b"), "p").strategy());
    }

    @Test
    void errorsNameTheProperty() {
        assertProperty("name", props("targets", "a/b"));
        assertProperty("name", props("name", "two words", "targets", "a/b"));
        assertProperty("targets", props("name", "x"));
        assertProperty("targets", props("name", "x", "targets", " , "));
        assertProperty("targets", props("name", "x", "targets", "no-slash"));
        assertProperty("targets", props("name", "x", "targets", "/model"));
        assertProperty("targets", props("name", "x", "targets", "provider/"));
        assertProperty("targets", props("name", "x", "targets", "a/b*many"));
        assertProperty("targets", props("name", "x", "targets", "a/b*-1"));
        assertProperty("targets", props("name", "x", "strategy", "weighted", "targets", "a/b*0, c/d*0"));
        assertProperty("strategy", props("name", "x", "strategy", "random", "targets", "a/b"));
        assertProperty("prefix", props("name", "x", "prefix", "maybe", "targets", "a/b"));
        assertProperty("aliases", props("name", "x", "aliases", "ok, not ok", "targets", "a/b"));
    }

    private static void assertProperty(String property, Map<String, Object> p) {
        RouteConfigException e = assertThrows(RouteConfigException.class, () -> RouteParser.parse(p, "pid"));
        assertEquals(property, e.property());
        assertTrue(e.getMessage().startsWith("property '" + property + "'"), e.getMessage());
    }

    @Test
    void anInvalidConfigurationOffersNoRouteAndTheOthersKeepWorking() {
        GatewayComponent gw = Support.gateway(new FakeTicker());
        Support.provider(gw, "p1", "m1");
        RouteConfigComponent bad = Support.route(gw, "broken", "nonsense");
        Support.route(gw, "good", "p1/m1");
        assertNull(bad.route());
        assertEquals(
                List.of("good", "m1"), gw.routes().stream().map(Route::name).toList());
        assertEquals(
                "hello from p1",
                gw.complete(Support.context(), Support.request("good")).text());
    }

    @Test
    void aDuplicateNameLeavesTheLaterRouteOut() {
        GatewayComponent gw = Support.gateway(new FakeTicker());
        Support.provider(gw, "p1", "m1");
        Support.provider(gw, "p2", "m2");
        Support.route(gw, "a", "p1/m1", "aliases", "shared");
        Support.route(gw, "b", "p2/m2", "aliases", "shared");
        assertEquals(
                List.of("a", "m1", "m2"), gw.routes().stream().map(Route::name).toList());
    }
}
