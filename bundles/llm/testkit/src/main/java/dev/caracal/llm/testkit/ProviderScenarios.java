package dev.caracal.llm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.support.Delayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What every scenario base shares: one aimock per test class (one instance per class, so the mock starts once) that
 * answers from the scenarios' fixtures and then the provider test's own, a chat model of the provider under test
 * against it, and the small helpers the scenarios are written with. A provider's test class extends a scenario base
 * (never this class directly), hands its {@link ProviderUnderTest} to the constructor and adds its own tests, which
 * may use {@link #upstream()} and {@link #model()} too.
 *
 * @param <M> the provider's chat model
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProviderScenarios<M extends ChatModel & AutoCloseable> {

    /** The provider under test. */
    protected final ProviderUnderTest<M> provider;

    /** Its wire format. */
    protected final Wire wire;

    private MockUpstream upstream;
    private M model;

    protected ProviderScenarios(ProviderUnderTest<M> provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.wire = provider.wire();
    }

    /** The fixtures the scenarios of this base answer from (they match first). */
    protected abstract List<Fixture> scenarioFixtures();

    /** The fixtures of the provider test's own tests, matched after the scenarios' fixtures. */
    protected List<Fixture> providerFixtures() {
        return List.of();
    }

    /** Options of the mock upstream beyond its fixtures ({@code strict}, {@code requireApiKeys}, ...). */
    protected MockUpstream.Builder upstreamOptions(MockUpstream.Builder builder) {
        return builder;
    }

    /** Configuration overrides of {@link #model()} (the provider's configuration names). */
    protected Map<String, Object> modelConfiguration() {
        return Map.of();
    }

    @BeforeAll
    final void startUpstreamAndModel() {
        List<Fixture> fixtures = new ArrayList<>(scenarioFixtures());
        fixtures.addAll(providerFixtures());
        upstream = upstreamOptions(MockUpstream.builder()).fixtures(fixtures).start();
        model = provider.chatModel(baseUrl(), modelConfiguration(), null);
    }

    @AfterAll
    final void stopModelAndUpstream() throws Exception {
        ProviderTests.closeAll(model, upstream);
    }

    /** The mock upstream of this test class. */
    protected final MockUpstream upstream() {
        return upstream;
    }

    /** The chat model of this test class: {@link #modelConfiguration()}, no retries, real delays. */
    protected final M model() {
        return model;
    }

    /** The base URL the provider is configured with for {@link #upstream()}. */
    protected final String baseUrl() {
        return provider.baseUrl(upstream.baseUrl());
    }

    /** A further chat model against {@link #upstream()}, with these overrides; the caller closes it. */
    protected final M newModel(Map<String, Object> overrides) {
        return newModel(overrides, null);
    }

    /** A further chat model against {@link #upstream()} whose retries wait through {@code delayer}. */
    protected final M newModel(Map<String, Object> overrides, Delayer delayer) {
        return provider.chatModel(baseUrl(), overrides, delayer);
    }

    /** A further chat model against {@link #upstream()} that retries up to {@code maxRetries} times. */
    protected final M retrying(int maxRetries, RecordingDelayer delayer) {
        return newModel(Map.of("maxRetries", maxRetries), delayer);
    }

    /** The failure that {@code model.complete(request)} throws. */
    protected static LlmException failureOf(ChatModel model, ChatRequest request) {
        return assertThrows(LlmException.class, () -> model.complete(request));
    }

    /**
     * The failure of asking {@code userSays} of a model that would retry three times, checked not to have been
     * retried: one more request with that text reached the mock, and no delay was asked for.
     */
    protected final LlmException failsWithoutRetrying(String userSays) throws Exception {
        RecordingDelayer delayer = new RecordingDelayer();
        long before = requestsFor(userSays);
        LlmException failure;
        try (M retrying = retrying(3, delayer)) {
            failure = failureOf(retrying, ask(userSays));
        }
        assertTrue(delayer.delays.isEmpty(), "not retried: " + delayer.delays);
        assertEquals(before + 1, requestsFor(userSays), "one request");
        return failure;
    }

    /** A request of one user message to the provider's model. */
    protected final ChatRequest ask(String userText) {
        return ChatRequests.ask(provider.model(), userText);
    }

    /** A streamed request of one user message to the provider's model. */
    protected final ChatRequest streamOf(String userText) {
        return ChatRequests.streamOf(provider.model(), userText);
    }

    /** A request builder for the provider's model. */
    protected final ChatRequests request() {
        return ChatRequests.to(provider.model());
    }

    /** How many chat requests with {@code text} in their body the mock received (first attempts and retries). */
    protected final long requestsFor(String text) {
        return upstream.requestsContaining(wire.chatPath(), text);
    }

    /** How many chat requests the mock received since its journal was last cleared. */
    protected final int chatRequests() {
        return upstream.journal(wire.chatPath()).size();
    }

    /** A fixture answering a request that says {@code userSays} with an HTTP error in the vendor's envelope. */
    protected final Fixture failing(String userSays, int status) {
        return Fixture.whenUserSays(userSays).error(status, provider.errorType(status), provider.errorMessage(status));
    }

    /** The next {@code count} chat requests fail with an HTTP error in the vendor's envelope (aimock's one-shots). */
    protected final void failNext(int count, int status, String message) {
        upstream.failNext(count, status, provider.errorType(status), message);
    }

    /** {@code base} then {@code more}, a new map; a key of {@code more} wins. */
    protected static Map<String, Object> with(Map<String, Object> base, Map<String, Object> more) {
        Map<String, Object> all = new HashMap<>(base);
        all.putAll(more);
        return all;
    }
}
