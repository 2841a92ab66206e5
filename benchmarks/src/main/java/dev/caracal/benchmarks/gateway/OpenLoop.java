package dev.caracal.benchmarks.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Open-loop load: requests sent on a fixed schedule whatever the answers do, latency measured from the scheduled send
 * time, so that a stall is charged to every request it delays. Memory does not grow with the number of requests: the
 * latencies go to HdrHistograms (3 significant digits), only the requests in flight are held (at most {@link
 * #maxInFlight}; a request due while that many are in flight is not sent and fails as {@value #CAP}), and every
 * request's latency is kept only for a dump ({@code gateway.dump}). After the last send the phase waits at most
 * {@code gateway.drainSeconds} (default 60) for the answers still due; those that never come fail as "no answer
 * within N s", and are cancelled.
 *
 * <p>A streamed request ({@code stream}) is read as it arrives ({@link StreamWatch}): its first-token latency and its
 * end are both recorded, and a stream that ends without its format's last event fails as cut.
 */
final class OpenLoop {
    static final String CAP = "client: in-flight cap";

    /** Distinct failure reasons kept per phase; further ones are counted under "other". */
    private static final int MAX_REASONS = 20;

    private final HttpClient client;
    private final Ingress ingress;
    private final boolean stream;
    private final String body;
    private final String key;
    private final int maxInFlight;
    private final int drainSeconds;

    OpenLoop(HttpClient client, Ingress ingress, boolean stream, String body, String key, int maxInFlight) {
        this.client = client;
        this.ingress = ingress;
        this.stream = stream;
        this.body = body;
        this.key = key;
        this.maxInFlight = maxInFlight;
        this.drainSeconds = Integer.getInteger("gateway.drainSeconds", 60);
    }

    /** The load generator's HTTP client: HTTP/1.1 (as the gateway's clients speak it), four threads of its own. */
    static HttpClient loadClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(4))
                .build();
    }

    /**
     * Warms a path up, with {@code ramp} at 10%, 25% and 50% of the rate for 5 s each, then at the full rate for the
     * rest. Hitting a cold JVM at the full rate at once makes every request slow for seconds, so an open-loop client
     * piles up hundreds in flight: Caracal then holds ~280 threads and ~680 connections (one Jetty thread and one
     * upstream connection per call in flight) and keeps them, because at a steady 1,000 req/s none stays idle long
     * enough to be reaped; its young-collection pauses grew from 2 to 6 ms with them. The ramp is what a warming
     * client sees in production. A JVM already warmed at a lower rate (the later rates of a sweep) needs no ramp.
     */
    void warm(String base, int rate, int seconds, boolean ramp) throws InterruptedException {
        int left = seconds;
        if (ramp) {
            for (int percent : new int[] {10, 25, 50}) {
                if (left > 5) {
                    run(base, Math.max(1, rate * percent / 100), 5, null);
                    left -= 5;
                }
            }
        }
        run(base, rate, left, null);
    }

    /**
     * Sends {@code rate} requests per second for {@code seconds} to {@code base} + the ingress's path, on a fixed
     * schedule; waits for the answers (see the class comment). With {@code dump} (a file prefix), writes the phase's
     * wall-clock start and then every request's latency in send order (0: failed), to line the slow ones up with a GC
     * log; for streams two columns, first token and end.
     */
    Result run(String base, int rate, int seconds, String dump) throws InterruptedException {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        Phase phase = new Phase(dump == null ? 0 : total);
        HttpRequest request = ingress.request(base, body, key);
        long cpu0 = ProcStats.ownCpuNanos();
        long upstreamCpu0 = ProcStats.upstreamCpuNanos();
        long maxLag = 0;
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            parkUntil(scheduled);
            maxLag = Math.max(maxLag, System.nanoTime() - scheduled);
            if (phase.outstanding.get() >= maxInFlight) {
                phase.fail(CAP);
                continue;
            }
            phase.outstanding.incrementAndGet();
            int index = i;
            // the callback is attached after the future is registered, so it always finds it (see Phase.finish)
            if (stream) {
                CompletableFuture<HttpResponse<StreamWatch.Seen>> sent =
                        client.sendAsync(request, StreamWatch.handler());
                phase.inFlight.put(index, sent);
                sent.whenComplete((r, e) -> phase.finishStream(index, scheduled, r, e));
            } else {
                CompletableFuture<HttpResponse<byte[]>> sent =
                        client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
                phase.inFlight.put(index, sent);
                sent.whenComplete((r, e) -> phase.finish(index, scheduled, r, e));
            }
        }
        phase.drain(drainSeconds);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long cpu = ProcStats.ownCpuNanos() - cpu0;
        long upstreamCpu = ProcStats.upstreamCpuNanos() - upstreamCpu0;
        if (dump != null) {
            phase.dump(Path.of(dump), startMillis);
        }
        return new Result(
                phase.latencies,
                stream ? phase.firstToken : null,
                phase.failures.get(),
                total,
                elapsed,
                new TreeMap<>(phase.reasons),
                cpu,
                upstreamCpu,
                maxLag);
    }

    /** The counters of one phase; a request's outcome belongs to whoever removes it from {@link #inFlight}. */
    private final class Phase {
        final Histogram latencies = new ConcurrentHistogram(3); // auto-resizing, 3 significant digits
        final Histogram firstToken = new ConcurrentHistogram(3);
        final AtomicInteger failures = new AtomicInteger();
        final Map<String, Integer> reasons = new ConcurrentHashMap<>();
        /** Sent and not yet accounted for (answered, failed or given up on). */
        final AtomicInteger outstanding = new AtomicInteger();

        final Map<Integer, CompletableFuture<?>> inFlight = new ConcurrentHashMap<>();
        /** Per request, only for a dump: end latency, and first-token latency for streams. */
        final long[] ends;

        final long[] firsts;

        Phase(int dumped) {
            ends = dumped == 0 ? null : new long[dumped];
            firsts = dumped == 0 || !stream ? null : new long[dumped];
        }

        void finish(int index, long scheduled, HttpResponse<byte[]> r, Throwable e) {
            long latency = System.nanoTime() - scheduled;
            if (inFlight.remove(index) == null) {
                return; // given up on by drain, already counted
            }
            if (e != null || r.statusCode() != 200) {
                fail(e != null ? name(e) : r.statusCode() + " " + brief(r.body()));
            } else {
                latencies.recordValue(latency);
                if (ends != null) {
                    ends[index] = latency;
                }
            }
            outstanding.decrementAndGet();
        }

        void finishStream(int index, long scheduled, HttpResponse<StreamWatch.Seen> r, Throwable e) {
            long latency = System.nanoTime() - scheduled;
            if (inFlight.remove(index) == null) {
                return;
            }
            if (e != null) {
                fail(name(e));
            } else if (r.statusCode() != 200) {
                fail(r.statusCode() + " " + brief(r.body().body()));
            } else if (!r.body().sawFirstToken() || !r.body().text().contains(ingress.streamEnd())) {
                fail("cut or malformed stream: " + brief(r.body().body()));
            } else {
                long first = r.body().firstTokenAt() - scheduled;
                latencies.recordValue(latency);
                firstToken.recordValue(first);
                if (ends != null) {
                    ends[index] = latency;
                    firsts[index] = first;
                }
            }
            outstanding.decrementAndGet();
        }

        void fail(String reason) {
            failures.incrementAndGet();
            String kept = reasons.size() >= MAX_REASONS && !reasons.containsKey(reason) ? "other" : reason;
            reasons.merge(kept, 1, Integer::sum);
        }

        /** Waits up to {@code seconds} for the answers due; the rest fail and are cancelled. */
        void drain(int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            for (Integer index : inFlight.keySet()) {
                CompletableFuture<?> f = inFlight.remove(index);
                if (f != null) {
                    fail("no answer within " + seconds + " s");
                    outstanding.decrementAndGet();
                    f.cancel(true);
                }
            }
            while (outstanding.get() > 0) {
                Thread.sleep(1); // callbacks that removed their request and are still recording it
            }
        }

        void dump(Path file, long startMillis) {
            // the first line is the wall-clock start, to line the requests up with a GC log (-Xlog:gc:...:time)
            StringBuilder sb =
                    new StringBuilder("# start-epoch-ms ").append(startMillis).append('\n');
            for (int i = 0; i < ends.length; i++) {
                if (firsts != null) {
                    sb.append(firsts[i]).append(' ');
                }
                sb.append(ends[i]).append('\n');
            }
            try {
                Files.writeString(file, sb);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String name(Throwable e) {
        Throwable cause =
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName();
    }

    /** The first 400 characters of a body, its white space collapsed. */
    static String brief(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return text.substring(0, Math.min(400, text.length()));
    }

    /** Parks the calling thread until {@link System#nanoTime()} reaches {@code deadline} (open-loop schedules). */
    static void parkUntil(long deadline) {
        long wait = deadline - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
