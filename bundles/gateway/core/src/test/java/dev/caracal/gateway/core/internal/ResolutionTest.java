package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.Route;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.ModelInfo;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResolutionTest {
    private GatewayComponent gw;
    private ScriptedChatModel openai;
    private ScriptedChatModel anthropic;
    private ScriptedChatModel backup;

    @BeforeEach
    void setUp() {
        gw = Support.gateway(new FakeTicker());
        openai = Support.provider(gw, "openai-main", "gpt-4o", "gpt-4o-mini", "shared-model");
        anthropic = Support.provider(gw, "anthropic-main", "claude-3-5-haiku-latest");
        backup = Support.provider(gw, "backup", "shared-model", "org/model-with-slash");
        Support.route(
                gw, "fast", "anthropic-main/claude-3-5-haiku-latest, openai-main/gpt-4o-mini", "aliases", "quick");
        Support.route(gw, "gpt-", "openai-main/*", "prefix", "true");
        Support.route(gw, "gpt-4", "backup/*", "prefix", "true");
    }

    private ChatResponse call(String model) {
        return gw.complete(Support.context(), Support.request(model));
    }

    @Test
    void routeNameAndAlias() {
        assertEquals("hello from anthropic-main", call("fast").text());
        assertEquals("hello from anthropic-main", call("quick").text());
        assertEquals(List.of("claude-3-5-haiku-latest", "claude-3-5-haiku-latest"), anthropic.requestedModels);
    }

    @Test
    void explicitProviderAndModel() {
        assertEquals("hello from backup", call("backup/org/model-with-slash").text());
        assertEquals(List.of("org/model-with-slash"), backup.requestedModels);
        // a provider id that is not registered is no explicit target: the name falls through to the other rules
        GatewayException e = assertThrows(GatewayException.class, () -> call("nobody/gpt-4o"));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
    }

    @Test
    void longestPrefixWinsAndPassesTheModelThrough() {
        call("gpt-3.5-turbo");
        assertEquals(List.of("gpt-3.5-turbo"), openai.requestedModels);
        call("gpt-4o-2024-08-06");
        assertEquals(List.of("gpt-4o-2024-08-06"), backup.requestedModels);
    }

    @Test
    void prefixRoutesComeBeforeImplicitOnes() {
        call("gpt-4o"); // listed by openai-main, but the gpt-4 prefix route is configured
        assertEquals(List.of("gpt-4o"), backup.requestedModels);
        assertTrue(openai.requestedModels.isEmpty());
    }

    @Test
    void implicitRouteOfSeveralProvidersTriesThemInRegistrationOrderWithoutAPreference() {
        Route implicit = gw.routes().stream()
                .filter(r -> r.name().equals("shared-model"))
                .findFirst()
                .orElseThrow();
        assertEquals(RouteTable.SOURCE_PROVIDER, implicit.source());
        assertEquals(
                List.of("openai-main", "backup"),
                implicit.targets().stream().map(t -> t.providerId()).toList());
        assertEquals("hello from openai-main", call("shared-model").text());
        openai.then(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        assertEquals("hello from backup", call("shared-model").text());
    }

    @Test
    void theRouteHeaderOverridesTheModel() {
        CallContext ctx = Support.context(CallContext.ROUTE_HEADER, "openai-main/gpt-4o");
        assertEquals(
                "hello from openai-main",
                gw.complete(ctx, Support.request("fast")).text());
        assertEquals(List.of("gpt-4o"), openai.requestedModels);
        ctx = Support.context("X-Caracal-Route", "quick");
        assertEquals(
                "hello from anthropic-main",
                gw.complete(ctx, Support.request("gpt-4o")).text());

        GatewayException e = assertThrows(
                GatewayException.class,
                () -> gw.complete(Support.context(CallContext.ROUTE_HEADER, "nope"), Support.request("fast")));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("x-caracal-route"), e.getMessage());
    }

    @Test
    void theRouteHeaderCanBeDisabled() {
        gw.configure(new Settings(5, 10_000_000_000L, 300_000_000_000L, 1, 0, 30_000_000_000L, false));
        CallContext ctx = Support.context(CallContext.ROUTE_HEADER, "openai-main/gpt-4o");
        assertEquals(
                "hello from anthropic-main",
                gw.complete(ctx, Support.request("fast")).text());
    }

    @Test
    void unknownModelIsNotFoundAndListsTheKnownModels() {
        GatewayException e = assertThrows(GatewayException.class, () -> call("llama-9"));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertFalse(e.exhausted());
        assertTrue(e.getMessage().startsWith("model 'llama-9' has no route; known models: "), e.getMessage());
        assertTrue(e.getMessage().contains("claude-3-5-haiku-latest"), e.getMessage());
        assertTrue(e.getMessage().contains("quick"), e.getMessage());
        assertTrue(e.attempts().isEmpty());
    }

    @Test
    void modelsListsRoutesAliasesAndProviderModelsOnce() {
        List<String> ids = gw.models().stream().map(ModelInfo::id).toList();
        assertEquals(
                List.of(
                        "fast",
                        "quick",
                        "gpt-4o",
                        "gpt-4o-mini",
                        "shared-model",
                        "claude-3-5-haiku-latest",
                        "org/model-with-slash"),
                ids);
        ModelInfo fast = gw.models().get(0);
        assertEquals(Routing.ROUTE_OWNER, fast.providerId());
    }

    @Test
    void aModelAProviderDiscoversLaterIsRoutedAfterARefresh() {
        ScriptedChatModel late = new ScriptedChatModel("late", "m-late") {
            private volatile boolean ready;

            @Override
            public List<ModelInfo> models() {
                boolean r = ready;
                ready = true;
                return r ? super.models() : List.of();
            }
        };
        Support.bind(gw, late);
        assertEquals("hello from late", call("m-late").text());
    }
}
