package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.Attempt;
import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.gateway.Route;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.Capabilities;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Embedding calls resolve names as chat calls do: bare model names, provider/model, routes, aliases and fallback. */
class EmbeddingRoutingTest {
    private static final String SMALL = "text-embedding-3-small";

    private GatewayComponent gw;
    private ScriptedChatModel primaryChat;
    private FakeEmbedder primary;
    private FakeEmbedder backup;
    private FakeEmbedder local;

    @BeforeEach
    void setUp() {
        gw = Support.gateway(new FakeTicker());
        primaryChat = Support.provider(gw, "primary", "gpt-4o-mini");
        Support.provider(gw, "backup", "claude-3-5-haiku-latest");
        primary = Support.providerEmbedding(gw, "primary", SMALL);
        backup = Support.providerEmbedding(gw, "backup", SMALL);
        local = new FakeEmbedder("all-minilm-l6-v2");
        Support.embedding(gw, local, local.name(), null);
        Support.route(gw, "embed", "primary/" + SMALL + ", backup/" + SMALL, "aliases", "vectors");
        Support.route(gw, "chat", "primary/gpt-4o-mini, backup/claude-3-5-haiku-latest");
    }

    private static List<String> tried(CallContext context) {
        return context.attempts().stream()
                .map(a -> a.providerId() + "/" + a.model())
                .toList();
    }

    private CallContext embed(String model) {
        CallContext context = Support.context();
        assertEquals(1, gw.embed(context, model, List.of("x")).vectors().size());
        return context;
    }

    private GatewayException refused(String model) {
        return assertThrows(GatewayException.class, () -> gw.embed(Support.context(), model, List.of("x")));
    }

    @Test
    void aBareNameReachesTheModelItsProviderRegisteredUnderItsId() {
        assertEquals(List.of("primary/" + SMALL), tried(embed(SMALL)));
        assertEquals(List.of("backup/" + SMALL), tried(embed("backup/" + SMALL)));
        assertEquals(List.of("local/all-minilm-l6-v2"), tried(embed("all-minilm-l6-v2")));
        assertEquals(List.of("local/all-minilm-l6-v2"), tried(embed("local/all-minilm-l6-v2")));
        assertEquals(1, backup.calls.get());
        assertEquals(2, local.calls.get());
    }

    @Test
    void anEmbeddingRouteFallsBackOnRetryableFailuresOnly() {
        primary.failure = new LlmException(ErrorKind.UNAVAILABLE, "overloaded");
        CallContext context = embed("vectors");
        assertEquals(List.of("primary/" + SMALL, "backup/" + SMALL), tried(context));
        assertEquals(ErrorKind.UNAVAILABLE, context.attempts().get(0).error());
        assertEquals(null, context.attempts().get(1).error());

        primary.failure = new LlmException(ErrorKind.INVALID_REQUEST, "input too long");
        GatewayException e = refused("embed");
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertFalse(e.exhausted());
        assertEquals(1, backup.calls.get(), "a bad request is not retried elsewhere");

        backup.failure = new LlmException(ErrorKind.TIMEOUT, "slow");
        primary.failure = new LlmException(ErrorKind.OVERLOADED, "busy");
        GatewayException all = refused("embed");
        assertTrue(all.exhausted());
        assertEquals(ErrorKind.TIMEOUT, all.kind());
        assertTrue(all.getMessage().startsWith("no target of route 'embed' could serve the call"), all.getMessage());
    }

    @Test
    void theRouteHeaderPicksAnotherEmbeddingTarget() {
        CallContext context = Support.context(CallContext.ROUTE_HEADER, "backup/" + SMALL);
        gw.embed(context, "embed", List.of("x"));
        assertEquals(List.of("backup/" + SMALL), tried(context));

        GatewayException e = assertThrows(
                GatewayException.class,
                () -> gw.embed(Support.context(CallContext.ROUTE_HEADER, "nope"), SMALL, List.of("x")));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertTrue(e.getMessage().contains("x-caracal-route"), e.getMessage());
    }

    @Test
    void chatNamesAreRefusedForEmbeddingsAndEmbeddingNamesForChat() {
        GatewayException route = refused("chat");
        assertEquals(ErrorKind.INVALID_REQUEST, route.kind());
        assertEquals(
                "route 'chat' is served by chat models (primary/gpt-4o-mini, backup/claude-3-5-haiku-latest), not by "
                        + "embedding models; known embedding models: all-minilm-l6-v2, embed, " + SMALL + ", vectors",
                route.getMessage());
        GatewayException model = refused("gpt-4o-mini");
        assertEquals(ErrorKind.INVALID_REQUEST, model.kind());
        assertTrue(model.getMessage().startsWith("model 'gpt-4o-mini' is not an embedding model"), model.getMessage());

        GatewayException chatOnEmbedRoute =
                assertThrows(GatewayException.class, () -> gw.complete(Support.context(), Support.request("vectors")));
        assertEquals(ErrorKind.INVALID_REQUEST, chatOnEmbedRoute.kind());
        assertEquals(
                "route 'vectors' is served by embedding models (primary/" + SMALL + ", backup/" + SMALL
                        + "), not by chat models: use it for embeddings",
                chatOnEmbedRoute.getMessage());
        GatewayException chatOnLocal = assertThrows(
                GatewayException.class, () -> gw.complete(Support.context(), Support.request("all-minilm-l6-v2")));
        assertEquals(ErrorKind.INVALID_REQUEST, chatOnLocal.kind());
        assertTrue(chatOnLocal.getMessage().contains("is an embedding model"), chatOnLocal.getMessage());
        assertTrue(primaryChat.requestedModels.isEmpty(), "nothing reached the chat provider");
    }

    @Test
    void aModelListedAsEmbeddingIsRefusedForChatButOneListedForChatChats() {
        Capabilities embeds = new Capabilities(false, false, false, true, false, 0);
        ScriptedChatModel lists = new ScriptedChatModel("ollama", "llama3") {
            @Override
            public List<ModelInfo> models() {
                return List.of(new ModelInfo("llama3", "ollama", null), new ModelInfo("nomic", "ollama", embeds));
            }
        };
        Support.bind(gw, lists);
        Support.providerEmbedding(gw, "ollama", "llama3");
        Support.providerEmbedding(gw, "ollama", "nomic");
        assertEquals(
                "hello from ollama",
                gw.complete(Support.context(), Support.request("llama3")).text());
        assertEquals(List.of("ollama/llama3"), tried(embed("llama3")));
        GatewayException e = assertThrows(
                GatewayException.class, () -> gw.complete(Support.context(), Support.request("ollama/nomic")));
        assertEquals(ErrorKind.INVALID_REQUEST, e.kind());
        assertEquals(List.of("ollama/nomic"), tried(embed("nomic")));
    }

    @Test
    void anUnknownNameIsNotFoundAndListsTheEmbeddingNames() {
        GatewayException e = refused("nope");
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals(
                "embedding model 'nope' is not available; known embedding models: all-minilm-l6-v2, embed, " + SMALL
                        + ", vectors",
                e.getMessage());
        assertTrue(e.attempts().isEmpty());
        GatewayException chat =
                assertThrows(GatewayException.class, () -> gw.complete(Support.context(), Support.request("nope")));
        assertFalse(chat.getMessage().contains(SMALL), "chat lists chat names only: " + chat.getMessage());
    }

    @Test
    void modelsListTheNamesClientsUseAndRoutesTheImplicitEmbeddingRoutes() {
        Map<String, ModelInfo> models =
                gw.models().stream().collect(Collectors.toMap(ModelInfo::id, Function.identity()));
        for (String name : List.of("embed", "vectors", SMALL, "all-minilm-l6-v2")) {
            assertTrue(models.get(name).capabilities().embeddings(), name + " in " + models.keySet());
        }
        assertFalse(models.get("chat").capabilities().embeddings());
        assertEquals("local", models.get("all-minilm-l6-v2").providerId());
        assertEquals(Routing.ROUTE_OWNER, models.get("embed").providerId());
        assertEquals(128, models.get(SMALL).capabilities().contextTokens());
        assertFalse(models.containsKey("primary/" + SMALL), models.keySet().toString());

        Route implicit = gw.routes().stream()
                .filter(r -> r.name().equals(SMALL))
                .findFirst()
                .orElseThrow();
        assertEquals(RouteTable.SOURCE_EMBEDDINGS, implicit.source());
        assertEquals(
                List.of("primary", "backup"),
                implicit.targets().stream().map(t -> t.providerId()).toList());
        assertEquals(
                1, gw.routes().stream().filter(r -> r.name().equals("embed")).count());
    }

    @Test
    void anEmbeddingRouteWhoseModelsAreAllAbsentIsUnavailable() {
        Support.route(gw, "gone", "ghost/e1, ghost/e2");
        GatewayException e = refused("gone");
        assertEquals(ErrorKind.UNAVAILABLE, e.kind());
        assertTrue(e.exhausted());
        assertTrue(
                e.getMessage().contains("ghost/e1: skipped, embedding model not present; ghost/e2: skipped"),
                e.getMessage());
        gw.unbindEmbeddingModel(backup, Map.of());
        primary.failure = new LlmException(ErrorKind.UNAVAILABLE, "down");
        GatewayException left = refused("embed");
        assertTrue(left.getMessage().contains("backup/" + SMALL + ": skipped, embedding model not present"));
    }

    @Test
    void embeddingTargetsHaveBreakersAndHealth() {
        gw.configure(Support.breakerOpeningAtOnce(60));
        primary.failure = new LlmException(ErrorKind.UNAVAILABLE, "down");
        embed("embed");
        assertEquals(
                TargetHealth.BreakerState.OPEN,
                Support.health(gw, "primary/" + SMALL).state());
        assertTrue(Support.health(gw, "primary/" + SMALL).providerPresent());
        CallContext next = embed("embed");
        assertEquals(List.of("backup/" + SMALL), tried(next), "the open breaker skips the primary");
        assertEquals(1, primary.calls.get());
        assertTrue(next.attempts().stream().allMatch(Attempt::succeeded));
    }

    @Test
    void aChatPrefixRouteDoesNotCaptureAnEmbeddingName() {
        Support.provider(gw, "chatonly", "text-davinci");
        Support.route(gw, "text-", "chatonly/*", "prefix", "true");
        assertEquals(List.of("primary/" + SMALL), tried(embed(SMALL)));
        Support.route(gw, "text-embedding-", "backup/*", "prefix", "true");
        assertEquals(List.of("backup/" + SMALL), tried(embed(SMALL)), "a prefix route reaching one serves it");
    }
}
