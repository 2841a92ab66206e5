package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.GatewayException;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The answer names the provider that served it ({@code x-caracal-provider}), after a fallback the one that did. */
class ServedByHeaderTest extends ChainTestSupport {

    private static String servedBy(CallContext context) {
        return context.responseHeaders().get(CallContext.PROVIDER_HEADER);
    }

    @Test
    void aCompletionNamesTheTargetThatAnswered() {
        CallContext first = Support.context();
        gw.complete(first, Support.request("chain"));
        assertEquals("a", servedBy(first));

        a.then(ScriptedChatModel.fail(ErrorKind.OVERLOADED));
        CallContext fallback = Support.context();
        assertEquals(
                "hello from b", gw.complete(fallback, Support.request("chain")).text());
        assertEquals("b", servedBy(fallback));
    }

    @Test
    void anAsynchronousCompletionNamesItBeforeItsStageCompletes() throws Exception {
        a.async().then(ScriptedChatModel.fail(ErrorKind.TIMEOUT));
        b.async();
        CallContext context = Support.context();
        AtomicReference<String> seen = new AtomicReference<>();
        Support.join(gw.completeAsync(context, Support.request("chain"))
                .whenComplete((r, e) -> seen.set(servedBy(context))));
        assertEquals("b", seen.get());
    }

    @Test
    void aStreamNamesTheTargetItCommittedToBeforeTheFirstEvent() throws Exception {
        a.then(new ScriptedChatModel.StreamError(ErrorKind.OVERLOADED, true));
        CallContext context = Support.context();
        AtomicReference<Map<String, String>> atFirstEvent = new AtomicReference<>();
        Support.Recorder recorder = new Support.Recorder();
        gw.stream(context, Support.request("chain"), event -> {
            atFirstEvent.compareAndSet(null, Map.copyOf(context.responseHeaders()));
            recorder.onEvent(event);
        });
        recorder.awaitEnd();
        recorder.assertCompleteStream();
        assertEquals(Map.of(CallContext.PROVIDER_HEADER, "b"), atFirstEvent.get());
    }

    @Test
    void aRefusedCallNamesNoProvider() {
        a.then(ScriptedChatModel.fail(ErrorKind.INVALID_REQUEST));
        CallContext context = Support.context();
        assertThrows(GatewayException.class, () -> gw.complete(context, Support.request("chain")));
        assertNull(servedBy(context));
        CallContext unknown = Support.context();
        assertThrows(GatewayException.class, () -> gw.complete(unknown, Support.request("nope")));
        assertFalse(unknown.responseHeaders().containsKey(CallContext.PROVIDER_HEADER));
    }

    @Test
    void anEmbeddingNamesTheProviderOfTheModelThatEmbedded() {
        FakeEmbedder onA = Support.providerEmbedding(gw, "a", "e");
        Support.providerEmbedding(gw, "b", "e");
        FakeEmbedder local = new FakeEmbedder("minilm");
        Support.embedding(gw, local, "minilm", null);

        CallContext context = Support.context();
        gw.embed(context, "e", List.of("x"));
        assertEquals("a", servedBy(context));
        onA.failure = new LlmException(ErrorKind.UNAVAILABLE, "down");
        CallContext fallback = Support.context();
        gw.embed(fallback, "e", List.of("x"));
        assertEquals("b", servedBy(fallback));
        CallContext onnx = Support.context();
        gw.embed(onnx, "minilm", List.of("x"));
        assertEquals(EmbeddingUpstreams.LOCAL, servedBy(onnx));
    }
}
