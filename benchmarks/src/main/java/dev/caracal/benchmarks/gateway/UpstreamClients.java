package dev.caracal.benchmarks.gateway;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import dev.caracal.llm.support.Exchanger;
import dev.caracal.llm.support.HttpCalls;
import dev.caracal.llm.support.Secret;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one upstream exchange costs the gateway's process, per transport of the providers ({@link Exchanger}): the
 * JDK's {@link java.net.http.HttpClient} (exchange steps on its selector thread, completion on the common pool) against
 * Jetty's client (the default; the container's own). One open-loop load per contender
 * at a fixed rate against the same upstream ({@code GatewayOverhead upstream PORT}, its own process), in rounds with
 * the contenders in shuffled order; per contender and round: this process's CPU time per exchange (every thread, the
 * load's own scheduling included, the same for all), bytes allocated per exchange and the latency from the scheduled
 * send. Run it pinned to one core ({@code benchmarks/scripts/upstream-clients.sh}) to see the cost the gateway pays on
 * its one core.
 *
 * <pre>java -cp ... dev.caracal.benchmarks.gateway.UpstreamClients UPSTREAM_PORT RATE SECONDS ROUNDS</pre>
 */
public final class UpstreamClients {

    private static final byte[] REQUEST = ("{\"model\":\"" + Canned.OPENAI_MODEL + "\",\"messages\":[{\"role\":"
                    + "\"user\",\"content\":\"ping\"}],\"max_tokens\":8}")
            .getBytes(StandardCharsets.UTF_8);

    /** One way to send a request and get its body as a String, asynchronously. */
    interface Contender extends AutoCloseable {
        String name();

        CompletableFuture<String> post(URI uri, byte[] body);

        @Override
        default void close() throws Exception {}
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        URI uri = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        List<Contender> contenders = new ArrayList<>(List.of(none(), transport("jdk"), transport("jetty")));
        System.out.printf(
                Locale.ROOT,
                "%d exchanges/s, %d s per contender and round after a warm-up, %d rounds, %d cores for this JVM%n",
                rate,
                seconds,
                rounds,
                Runtime.getRuntime().availableProcessors());
        for (Contender c : contenders) {
            load(c, uri, rate, 20); // warm-up: JIT, connection pools
        }
        Random shuffle = new Random(42);
        for (int round = 1; round <= rounds; round++) {
            Collections.shuffle(contenders, shuffle);
            for (Contender c : contenders) {
                load(c, uri, rate, 5);
                System.out.println("round " + round + " " + load(c, uri, rate, seconds));
            }
        }
        for (Contender c : contenders) {
            c.close();
        }
        System.exit(0);
    }

    /** No exchange at all, an answer at once: what the load's own scheduling costs, to subtract from the others. */
    static Contender none() {
        return new Contender() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public CompletableFuture<String> post(URI uri, byte[] body) {
                return CompletableFuture.completedFuture("{\"id\":\"chatcmpl-none\"}");
            }
        };
    }

    /** The providers' transport ({@link HttpCalls#newExchanger}): the JDK's client or Jetty's, as Caracal runs it. */
    static Contender transport(String kind) {
        System.setProperty("caracal.upstream.client", kind);
        Exchanger http = HttpCalls.newExchanger("bench-" + kind, Duration.ofSeconds(5));
        System.clearProperty("caracal.upstream.client");
        HttpCalls.ErrorMapper errors = (status, headers, body) ->
                new LlmException(ErrorKind.UPSTREAM, "answered " + status, status, null, null);
        return new Contender() {
            @Override
            public String name() {
                return kind + "-httpclient";
            }

            @Override
            public CompletableFuture<String> post(URI uri, byte[] body) {
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer sk-bench")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
                return http.exchange(request, Secret.NONE, errors);
            }

            @Override
            public void close() {
                http.close();
            }
        };
    }

    record Measured(
            String name, Histogram latencies, int failed, int sent, double cpuMicrosEach, double allocatedKbEach) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%-17s %6d sent %3d failed: CPU %6.1f us/exchange, %5.1f KB/exchange; latency mean %.3f ms,"
                            + " p50 %.3f, p90 %.3f, p99 %.3f, max %.3f ms",
                    name,
                    sent,
                    failed,
                    cpuMicrosEach,
                    allocatedKbEach,
                    latencies.getMean() / 1e6,
                    latencies.getValueAtPercentile(50) / 1e6,
                    latencies.getValueAtPercentile(90) / 1e6,
                    latencies.getValueAtPercentile(99) / 1e6,
                    latencies.getMaxValue() / 1e6);
        }
    }

    static Measured load(Contender c, URI uri, int rate, int seconds) {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        Histogram latencies = new ConcurrentHistogram(3);
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<?>[] all = new CompletableFuture<?>[total];
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long alloc0 = allocated();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            OpenLoop.parkUntil(scheduled);
            all[i] = c.post(uri, REQUEST).handle((body, e) -> {
                if (e != null || body.length() < 10) {
                    if (failed.incrementAndGet() == 1) {
                        System.out.println(c.name() + ": first failure: " + (e != null ? e : "answer " + body));
                    }
                } else {
                    latencies.recordValue(System.nanoTime() - scheduled);
                }
                return null;
            });
        }
        CompletableFuture.allOf(all).join();
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e3 / total;
        double kb = (allocated() - alloc0) / 1024.0 / total;
        return new Measured(c.name(), latencies, failed.get(), total, cpu, kb);
    }

    /** Bytes allocated so far by the threads alive now (a thread that ended in between is missed). */
    private static long allocated() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }
}
