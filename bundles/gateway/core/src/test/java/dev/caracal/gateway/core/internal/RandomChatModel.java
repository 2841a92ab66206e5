package dev.caracal.gateway.core.internal;

import dev.caracal.llm.ChatModel;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ChatResponse;
import dev.caracal.llm.ContentPart;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.ModelInfo;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A flaky provider serving model {@code m}: fails at random, 35% retryable, 1% a request error, 1% a crash; advances the
 * clock 5 ms per call, and answers with its id.
 */
final class RandomChatModel implements ChatModel {
    private static final ErrorKind[] RETRYABLE = {
        ErrorKind.RATE_LIMITED,
        ErrorKind.OVERLOADED,
        ErrorKind.TIMEOUT,
        ErrorKind.CONNECTION,
        ErrorKind.UPSTREAM,
        ErrorKind.UNAVAILABLE
    };

    final String id;
    final FakeTicker ticker;
    final LongAdder calls = new LongAdder();
    final LongAdder answers = new LongAdder();

    RandomChatModel(String id, FakeTicker ticker) {
        this.id = id;
        this.ticker = ticker;
    }

    /**
     * A gateway on {@code ticker} whose route {@code r} draws among p1, p2 and p3 (weights 3, 2, 1), three of these
     * bound as {@code asService} makes them and added to {@code models}; a breaker opens after 3 failures for 200 ms.
     */
    static GatewayComponent behindWeightedRoute(
            FakeTicker ticker, List<RandomChatModel> models, Function<RandomChatModel, ChatModel> asService) {
        GatewayComponent gw = new GatewayComponent(ticker);
        gw.configure(new Settings(3, 200_000_000L, 1_000_000_000L, 2, 0, 1_000_000_000L, true));
        for (String id : new String[] {"p1", "p2", "p3"}) {
            RandomChatModel m = new RandomChatModel(id, ticker);
            models.add(m);
            gw.bindChatModel(asService.apply(m), Support.props(id));
        }
        Support.route(gw, "r", "p1/m*3, p2/m*2, p3/m*1", "strategy", "weighted");
        return gw;
    }

    @Override
    public String providerId() {
        return id;
    }

    @Override
    public List<ModelInfo> models() {
        return List.of(new ModelInfo("m", id, null));
    }

    @Override
    public ChatResponse complete(ChatRequest request) {
        calls.increment();
        ticker.advanceMillis(5);
        int r = ThreadLocalRandom.current().nextInt(100);
        if (r < 35) {
            throw new LlmException(RETRYABLE[r % RETRYABLE.length], id + " random failure");
        }
        if (r == 35) {
            throw new LlmException(ErrorKind.INVALID_REQUEST, "bad luck");
        }
        if (r == 36) {
            throw new IllegalStateException("crash");
        }
        answers.increment();
        return new ChatResponse(id, request.model(), List.of(new ContentPart.Text(id)), null, null);
    }

    @Override
    public StreamHandle stream(ChatRequest request, StreamHandler handler) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<CompletionStage<ChatResponse>> batch(List<ChatRequest> requests, int maxConcurrency) {
        throw new UnsupportedOperationException();
    }
}
