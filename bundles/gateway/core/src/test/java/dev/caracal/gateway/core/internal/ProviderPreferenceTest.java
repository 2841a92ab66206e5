package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.Route;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmProperties;
import dev.caracal.llm.ModelInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A model name several providers offer is tried in the configured provider preference, never by provider id. */
class ProviderPreferenceTest {
    private static final String SMALL = "text-embedding-3-small";

    private GatewayComponent gw;
    private ScriptedChatModel zeta;
    private ScriptedChatModel alpha;

    @BeforeEach
    void setUp() {
        gw = Support.gateway(new FakeTicker());
        zeta = Support.provider(gw, "zeta", "shared", "only-zeta");
        alpha = Support.provider(gw, "alpha", "shared");
    }

    private List<String> order(String name, String source) {
        Route route = gw.routes().stream()
                .filter(r -> r.name().equals(name) && r.source().equals(source))
                .findFirst()
                .orElseThrow();
        return route.targets().stream().map(t -> t.providerId()).toList();
    }

    private String chat(String model) {
        return gw.complete(Support.context(), Support.request(model)).text();
    }

    private String embeddedBy(String model) {
        CallContext context = Support.context();
        gw.embed(context, model, List.of("x"));
        return context.attempts().get(context.attempts().size() - 1).providerId();
    }

    private void prefer(String... providerIds) {
        gw.configure(Settings.DEFAULTS.withProviderPreference(List.of(providerIds)));
    }

    @Test
    void withoutAPreferenceTheEarlierRegisteredProviderComesFirstNotTheFirstId() {
        assertEquals(List.of("zeta", "alpha"), order("shared", RouteTable.SOURCE_PROVIDER));
        assertEquals("hello from zeta", chat("shared"));
        ModelInfo shared = gw.models().stream()
                .filter(m -> m.id().equals("shared"))
                .findFirst()
                .orElseThrow();
        assertEquals("zeta", shared.providerId(), "a shared name is listed as the provider's that serves it");
    }

    @Test
    void aHigherServiceRankingComesBeforeAnEarlierRegistration() {
        ScriptedChatModel ranked = new ScriptedChatModel("ranked", "shared");
        Map<String, Object> properties = Support.props("ranked");
        properties.put("service.ranking", 10);
        gw.bindChatModel(ranked, properties);
        assertEquals(List.of("ranked", "zeta", "alpha"), order("shared", RouteTable.SOURCE_PROVIDER));
    }

    @Test
    void thePreferenceOrdersChatProvidersAndChangesLiveKeepingTargetHealth() {
        prefer("alpha");
        assertEquals(List.of("alpha", "zeta"), order("shared", RouteTable.SOURCE_PROVIDER));
        assertEquals("hello from alpha", chat("shared"));
        alpha.then(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        assertEquals("hello from zeta", chat("shared"), "the others are still fallbacks");
        assertEquals(1, Support.health(gw, "alpha/shared").failures());

        prefer("zeta", "alpha");
        assertEquals(List.of("zeta", "alpha"), order("shared", RouteTable.SOURCE_PROVIDER));
        assertEquals("hello from zeta", chat("shared"));
        assertEquals(1, Support.health(gw, "alpha/shared").failures(), "a preference change keeps breakers");

        prefer();
        assertEquals(List.of("zeta", "alpha"), order("shared", RouteTable.SOURCE_PROVIDER));
    }

    @Test
    void thePreferenceOrdersEmbeddingModelsTheLocalOneIncluded() {
        Support.providerEmbedding(gw, "zeta", SMALL);
        Support.providerEmbedding(gw, "alpha", SMALL);
        FakeEmbedder onnx = new FakeEmbedder(SMALL);
        Support.embedding(gw, onnx, SMALL, null);
        assertEquals(List.of("zeta", "alpha", "local"), order(SMALL, RouteTable.SOURCE_EMBEDDINGS));
        assertEquals("zeta", embeddedBy(SMALL));

        prefer("local", "alpha");
        assertEquals(List.of("local", "alpha", "zeta"), order(SMALL, RouteTable.SOURCE_EMBEDDINGS));
        assertEquals("local", embeddedBy(SMALL));
        onnx.failure = new dev.caracal.llm.LlmException(ErrorKind.UNAVAILABLE, "loading");
        assertEquals("alpha", embeddedBy(SMALL));
        assertEquals(
                TargetHealth.BreakerState.CLOSED,
                Support.health(gw, "local/" + SMALL).state());
    }

    @Test
    void aPreferredProviderThatIsAbsentIsPassedOver() {
        prefer("gone", "alpha");
        assertEquals(List.of("alpha", "zeta"), order("shared", RouteTable.SOURCE_PROVIDER));
        assertEquals("hello from zeta", chat("only-zeta"));
        ScriptedChatModel gone = Support.provider(gw, "gone", "shared");
        assertEquals(List.of("gone", "alpha", "zeta"), order("shared", RouteTable.SOURCE_PROVIDER));
        Support.unbind(gw, gone);
        assertEquals(List.of("alpha", "zeta"), order("shared", RouteTable.SOURCE_PROVIDER));
    }

    @Test
    void theSettingIsACommaListOfProviderIdsAndBadEntriesAreNamed() {
        List<String> errors = new ArrayList<>();
        assertEquals(
                List.of("openai-main", "ollama", "local"),
                ProviderPreference.parse(" openai-main, ollama,,openai/x , has space, ollama, local", errors::add));
        assertEquals(
                List.of(
                        "Gateway setting providerPreference: 'openai/x' is not a provider id (ids have no whitespace"
                                + " or '/'); it is left out",
                        "Gateway setting providerPreference: 'has space' is not a provider id (ids have no "
                                + "whitespace or '/'); it is left out",
                        "Gateway setting providerPreference: 'ollama' is listed more than once; its first place "
                                + "counts"),
                errors);
        assertEquals(List.of("a", "b"), ProviderPreference.parse(new String[] {"a, b", "a"}, e -> {}));
        assertEquals(List.of(), ProviderPreference.parse("", errors::add));
        assertEquals(List.of(), ProviderPreference.parse(null, errors::add));
    }

    @Test
    void providerIdsFromPropertiesOrderEmbeddingModelsAsTheyDoChatModels() {
        Map<String, Object> p = new HashMap<>();
        p.put(LlmProperties.EMBEDDING_MODEL, "alpha/" + SMALL);
        p.put(LlmProperties.PROVIDER_ID, "alpha");
        p.put("service.id", 1L); // registered before everything else
        gw.bindEmbeddingModel(new FakeEmbedder("alpha/" + SMALL), p);
        Support.providerEmbedding(gw, "zeta", SMALL);
        assertEquals(List.of("alpha", "zeta"), order(SMALL, RouteTable.SOURCE_EMBEDDINGS));
        prefer("zeta");
        assertEquals("zeta", embeddedBy(SMALL));
    }
}
