package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.TokenCount;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.TokenEstimate;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Counting a request's input tokens: the first target whose provider counts, else an estimate labelled as one. */
class CountTokensTest extends ChainTestSupport {

    @Test
    void theFirstProviderThatCanCountCountsForItsModel() {
        b.counter = r -> OptionalLong.of(r.model().equals("m-b") ? 37 : -1);
        CallContext context = Support.context();
        TokenCount count = gw.countTokens(context, Support.request("chain"));
        assertEquals(new TokenCount(37, false, "b"), count, "a cannot count; b counts for its own model");
        assertEquals("b", context.responseHeaders().get(CallContext.PROVIDER_HEADER));
        assertEquals(0, a.calls.get() + b.calls.get(), "nothing generated");
    }

    @Test
    void noProviderThatCountsMeansAnEstimate() {
        TokenCount count = gw.countTokens(Support.context(), Support.request("chain"));
        assertTrue(count.estimated());
        assertNull(count.providerId());
        assertEquals(TokenEstimate.inputTokens(Support.request("chain")), count.inputTokens());
    }

    @Test
    void aRetryableFailureMovesOnAndARequestErrorIsTheAnswer() {
        a.counter = r -> {
            throw new LlmException(ErrorKind.OVERLOADED, "busy");
        };
        b.counter = r -> OptionalLong.of(5);
        assertEquals(
                5, gw.countTokens(Support.context(), Support.request("chain")).inputTokens());
        a.counter = r -> {
            throw new LlmException(ErrorKind.INVALID_REQUEST, "bad tools");
        };
        LlmException e =
                assertThrows(LlmException.class, () -> gw.countTokens(Support.context(), Support.request("chain")));
        assertEquals("bad tools", e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void anUnknownModelIsNotFound() {
        LlmException e =
                assertThrows(LlmException.class, () -> gw.countTokens(Support.context(), Support.request("nope")));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
    }
}
