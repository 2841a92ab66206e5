package dev.caracal.gateway.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.CallContext;
import dev.caracal.gateway.TargetHealth;
import dev.caracal.llm.ChatRequest;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.StreamHandle;
import dev.caracal.llm.StreamHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    @Test
    void eightThreadsThroughThreeFlakyTargets() throws Exception {
        FakeTicker ticker = new FakeTicker();
        List<RandomChatModel> models = new ArrayList<>();
        GatewayComponent gw = RandomChatModel.behindWeightedRoute(ticker, models, m -> m);

        int threads = 8;
        int perThread = 2000;
        CallTally tally = new CallTally();
        Support.onThreads("caller", threads, () -> {
            for (int i = 0; i < perThread; i++) {
                ticker.advanceMillis(1); // time passes between calls too, so open breakers come due
                CallContext ctx = Support.context();
                try {
                    tally.answered(ctx, gw.complete(ctx, Support.request("r")));
                } catch (Throwable e) {
                    tally.failed(ctx, e);
                }
            }
        });
        tally.assertAddsUp((long) threads * perThread, models, gw);
        assertEquals(0, tally.unexpected());
        for (TargetHealth h : gw.health()) {
            assertTrue(h.consecutiveFailures() >= 0);
        }
    }

    @Test
    void concurrentStreamsThroughFlakyTargetsAreEachWellFormed() throws Exception {
        GatewayComponent gw = new GatewayComponent(new FakeTicker());
        gw.configure(new Settings(1000, 200_000_000L, 1_000_000_000L, 1, 0, 1_000_000_000L, true));
        List<ScriptedChatModel> models = new ArrayList<>();
        for (String id : new String[] {"p1", "p2", "p3"}) {
            ScriptedChatModel m = new ScriptedChatModel(id, "m") {
                @Override
                public StreamHandle stream(ChatRequest request, StreamHandler handler) {
                    int r = ThreadLocalRandom.current().nextInt(10);
                    then(
                            r < 3
                                    ? new ScriptedChatModel.StreamError(ErrorKind.OVERLOADED, r == 0)
                                    : r == 3
                                            ? new ScriptedChatModel.Stream(List.of("a", "b"), ErrorKind.UPSTREAM)
                                            : ScriptedChatModel.answer("fine thanks"));
                    return super.stream(request, handler);
                }
            };
            models.add(m);
            Support.bind(gw, m);
        }
        Support.route(gw, "r", "p1/m, p2/m, p3/m", "strategy", "least-latency");
        int threads = 8;
        int perThread = 150;
        LongAdder ended = new LongAdder();
        LongAdder completed = new LongAdder();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        Support.onThreads("streamer", threads, () -> {
            for (int i = 0; i < perThread; i++) {
                Support.Recorder rec = new Support.Recorder();
                gw.stream(Support.context(), Support.request("r"), rec);
                try {
                    if (!rec.ended.await(30, TimeUnit.SECONDS)) {
                        problems.add("a stream never ended: " + rec.snapshot());
                        continue;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                ended.increment();
                if (rec.violation != null) {
                    problems.add(rec.violation);
                }
                if (rec.last() instanceof dev.caracal.llm.StreamEvent.End) {
                    completed.increment();
                    if (!rec.text().equals("fine thanks")) {
                        problems.add("text " + rec.text());
                    }
                }
            }
        });
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: " + problems.get(0));
        assertEquals((long) threads * perThread, ended.sum());
        assertTrue(completed.sum() > ended.sum() / 2, completed.sum() + " of " + ended.sum());
    }
}
