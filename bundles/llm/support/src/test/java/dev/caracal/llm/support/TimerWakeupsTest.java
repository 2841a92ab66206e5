package dev.caracal.llm.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A call's timeout joins the provider's timer queue without waking the timer thread: with one call in flight at a time,
 * each call's timer used to become the head of an empty queue, and the thread woke for it (a context switch a call).
 * Counted from the kernel's own count of the thread's voluntary context switches ({@code /proc}, Linux only).
 */
class TimerWakeupsTest {

    private static final int CALLS = 300;

    /** An upstream that answers at once, on the caller's thread. */
    private static final class Answering implements Exchanger {
        @Override
        public CompletableFuture<String> exchange(HttpRequest request, Secret secret, HttpCalls.ErrorMapper errors) {
            return CompletableFuture.completedFuture("ok");
        }

        @Override
        public Reading stream(HttpRequest request, LineReader reader) {
            throw new UnsupportedOperationException("not streamed here");
        }

        @Override
        public void close() {}
    }

    /** A runtime over an upstream that answers at once; its timer thread is named {@code <prefix>-timer-1}. */
    private static ProviderRuntime runtime(String prefix) {
        return new ProviderRuntime(
                prefix,
                "Test provider",
                prefix,
                new Answering(),
                new RetryPolicy(0, Duration.ofMillis(1), Duration.ofSeconds(1)),
                Delayer.REAL,
                Duration.ofSeconds(5),
                Secret.NONE,
                2);
    }

    /** One call with a 30 s timeout, answered at once. */
    private static void call(ProviderRuntime runtime) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/")).build();
        assertEquals(
                "ok",
                runtime.sendAsync(new Answering(), request, Duration.ofSeconds(30), null)
                        .get(10, TimeUnit.SECONDS));
    }

    @Test
    void oneCallAtATimeDoesNotWakeTheTimerThread() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
        try (ProviderRuntime runtime = runtime("cwk")) {
            call(runtime); // the first call starts the timer thread
            Path timer = timerTask();
            long before = voluntarySwitches(timer);
            long start = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                call(runtime);
            }
            long woke = voluntarySwitches(timer) - before;
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            // the tick wakes it once a second; before the tick, every call did
            assertTrue(
                    woke <= 2 * (seconds + 2),
                    "the timer thread woke " + woke + " times for " + CALLS + " calls in about " + seconds + " s");
        }
    }

    @Test
    void closeEndsTheTimerThreadDespiteTheTick() throws Exception {
        ProviderRuntime runtime = runtime("cwk-close");
        call(runtime);
        Thread timer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("cwk-close-timer-1"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no thread named cwk-close-timer-1"));
        runtime.close();
        timer.join(10_000);
        assertFalse(timer.isAlive(), "the periodic tick is cancelled by close, and the timer thread ends");
    }

    /**
     * The kernel's entry for the runtime's timer thread (named {@code cwk-timer-1}; /proc shows 15 characters). A new
     * thread gives the kernel its name itself once it runs, after {@code Thread.start} has returned, so this waits for
     * the name to appear (on a busy machine it was not there yet right after the first call).
     */
    private static Path timerTask() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                Optional<Path> found = tasks.filter(t -> {
                            try {
                                return Files.readString(t.resolve("comm"))
                                        .strip()
                                        .equals("cwk-timer-1");
                            } catch (IOException gone) {
                                return false;
                            }
                        })
                        .findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no thread named cwk-timer-1 within 10 s");
            }
            Thread.sleep(10);
        }
    }

    private static long voluntarySwitches(Path task) throws IOException {
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        throw new AssertionError("no voluntary_ctxt_switches in " + task);
    }
}
