package dev.caracal.benchmarks.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
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
 * Latency the gateway adds: one open-loop load (requests sent on a fixed schedule, latency measured from the
 * scheduled send time, so a stall is charged to every request it delays) at the same rate against the same local
 * OpenAI-protocol upstream, first directly, then through Caracal's {@code /v1/chat/completions}. The upstream runs in
 * this JVM and answers a canned completion at once, so what differs between the two phases is the gateway.
 * Latencies are recorded in HdrHistogram (3 significant digits); each phase reports the mean, percentiles and maximum.
 * Given Caracal's process id, the gateway phase also reports the bytes Caracal allocated per request, from its own
 * per-thread counters (see {@link RemoteAllocation}), and the CPU time its process used per request (every thread:
 * Jetty, the upstream client, GC, JIT). Optionally a soak: the gateway phase for minutes, with the Caracal process's RSS after the first minute and at the
 * end.
 *
 * <pre>
 * java -cp ... dev.caracal.benchmarks.gateway.GatewayOverhead upstream PORT          # the upstream alone
 * java -cp ... dev.caracal.benchmarks.gateway.GatewayOverhead run UPSTREAM_PORT GATEWAY_URL RATE SECONDS
 *      [SOAK_MINUTES CARACAL_PID]
 * </pre>
 * {@code benchmarks/scripts/gateway.sh} starts the distribution wired to the upstream and runs both. System properties:
 * {@code gateway.warmupSeconds} (default 60, per path, ramped), {@code gateway.passThrough} (see
 * {@link #PASS_THROUGH}), {@code gateway.peer} (the base URL of another proxy in front of the same upstream, e.g.
 * nginx, measured between the two phases as a third path; {@code gateway.peerName} labels it, {@code gateway.peerPid} is the process whose CPU time per request is
 * reported for it) and {@code gateway.dump} (a file prefix: the phase's
 * wall-clock start, then every measured request's latency in send order, one file per phase, to see when the slow
 * ones happened and line them up with a GC log).
 */
public final class GatewayOverhead {
    static final String MODEL = "bench-model";
    /**
     * {@code gateway.passThrough=true}: the request carries members the gateway does not model (verbatim to the
     * upstream) and the answer members it does not model (verbatim back), as OpenAI's own answers do, so both
     * directions of same-format pass-through are on the measured path.
     */
    static final boolean PASS_THROUGH = Boolean.getBoolean("gateway.passThrough");

    private static final byte[] COMPLETION = (PASS_THROUGH
                    ? "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + MODEL
                            + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                            + "\"pong\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6,"
                            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                            + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                            + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_bench01\"}"
                    : "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + MODEL
                            + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                            + "\"pong\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,"
                            + "\"total_tokens\":6}}")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] MODELS = ("{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL
                    + "\",\"object\":\"model\",\"created\":1,\"owned_by\":\"bench\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    private static final String REQUEST = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"ping\"}],\"max_tokens\":8"
            + (PASS_THROUGH ? ",\"store\":false,\"service_tier\":\"default\",\"metadata\":{\"run\":\"bench\"}}" : "}");

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("upstream")) {
            startUpstream(Integer.parseInt(args[1]));
            Thread.currentThread().join();
        }
        if (args.length < 5 || !args[0].equals("run")) {
            System.err.println("usage: upstream PORT | run UPSTREAM_PORT GATEWAY_URL RATE SECONDS [SOAK_MINUTES PID]");
            System.exit(2);
        }
        int upstreamPort = Integer.parseInt(args[1]);
        String gateway = args[2];
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int soakMinutes = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        long pid = args.length > 6 ? Long.parseLong(args[6]) : -1;
        HttpServer upstream = startUpstream(upstreamPort);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(4))
                .build();
        URI direct = URI.create("http://127.0.0.1:" + upstreamPort + "/v1/chat/completions");
        URI viaGateway = URI.create(gateway + "/v1/chat/completions");
        System.out.printf(
                Locale.ROOT,
                "open-loop %d requests/s, %d s per phase after %d s warm-up each, %d cores for" + " this JVM%n",
                rate,
                seconds,
                Integer.getInteger("gateway.warmupSeconds", 60),
                Runtime.getRuntime().availableProcessors());
        // warm each path (JIT, connection pools) right before measuring it, ramped (see warm). The gateway path runs
        // through Karaf, Jetty, Jackson and the JDK client; with Caracal pinned to one core, C2 was still compiling in
        // a measured phase that followed a 30 s warm-up (seconds of ~5 ms stalls, one scheduler slice each), and was
        // quiet after 60 s. Warming both paths before measuring either left Caracal idle through the whole direct
        // phase (Jetty and the upstream closed the idle connections): its first seconds then held up to 300 requests
        // over 1 ms per second against ~15 in steady state.
        int warmup = Integer.getInteger("gateway.warmupSeconds", 60);
        if (PASS_THROUGH) {
            String answer = client.send(
                            HttpRequest.newBuilder(viaGateway)
                                    .header("Content-Type", "application/json")
                                    .header(
                                            "Authorization",
                                            "Bearer " + System.getenv().getOrDefault("CARACAL_ADMIN_KEY", "sk-bench"))
                                    .POST(HttpRequest.BodyPublishers.ofString(REQUEST))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            System.out.println("pass-through: the upstream's system_fingerprint "
                    + (answer.contains("fp_bench01") ? "reaches" : "does NOT reach")
                    + " the client through the gateway");
        }
        warm(client, direct, rate, warmup);
        Result d = load(client, direct, rate, seconds);
        String peerUrl = System.getProperty("gateway.peer");
        double peerCpuMicros = -1;
        Result peer = null;
        if (peerUrl != null) {
            URI viaPeer = URI.create(peerUrl + "/v1/chat/completions");
            warm(client, viaPeer, rate, warmup);
            long peerPid = Long.getLong("gateway.peerPid", -1);
            long ticks = peerPid > 0 ? cpuTicks(peerPid) : -1;
            peer = load(client, viaPeer, rate, seconds);
            if (ticks >= 0) {
                // /proc counts CPU time in clock ticks of 10 ms (USER_HZ 100 on Linux)
                peerCpuMicros = (cpuTicks(peerPid) - ticks) * 10_000.0 / peer.sent();
            }
        }
        warm(client, viaGateway, rate, warmup);
        RemoteAllocation caracal = pid > 0 ? attach(pid) : null;
        Map<Long, Long> allocatedBefore = caracal == null ? null : caracal.snapshot();
        long cpuBefore = caracal == null ? -1 : caracal.cpuNanos();
        Result g = load(client, viaGateway, rate, seconds);
        long cpu = caracal == null ? -1 : caracal.cpuNanos() - cpuBefore;
        long allocated = caracal == null ? -1 : caracal.since(allocatedBefore);
        System.out.println(d.line("direct to the upstream"));
        String peerName = System.getProperty("gateway.peerName", "the peer proxy");
        if (peer != null) {
            System.out.println(peer.line("through " + peerName));
        }
        System.out.println(g.line("through the gateway"));
        if (peer != null) {
            System.out.println(added(peer, d, "added by " + peerName));
            if (peerCpuMicros >= 0) {
                System.out.printf(Locale.ROOT, "%s's CPU per request: %.1f us%n", peerName, peerCpuMicros);
            }
        }
        System.out.println(added(g, d, "added by the gateway"));
        if (allocated >= 0) {
            System.out.printf(
                    Locale.ROOT,
                    "allocated by Caracal per request through the gateway: %.1f KB (%,d bytes over %d requests)%n",
                    allocated / 1024.0 / g.sent(),
                    allocated,
                    g.sent());
            System.out.printf(
                    Locale.ROOT,
                    "Caracal's CPU per request through the gateway: %.1f us (%.2f cores busy on average)%n",
                    cpu / 1e3 / g.sent(),
                    cpu / 1e9 / g.seconds());
        }
        if (soakMinutes > 0 && pid > 0) {
            // one line a minute: p99 and RSS should stay flat
            long rss1 = -1;
            int failed = 0;
            Histogram all = new Histogram(3);
            for (int minute = 1; minute <= soakMinutes; minute++) {
                Result m = load(client, viaGateway, rate, 60);
                long rss = rssKb(pid);
                rss1 = minute == 1 ? rss : rss1;
                failed += m.failures();
                all.add(m.latencies());
                System.out.printf(
                        Locale.ROOT,
                        "%s, RSS %d MB%n",
                        m.line(String.format(Locale.ROOT, "soak, minute %2d", minute)),
                        rss / 1024);
            }
            long rssN = rssKb(pid);
            System.out.printf(
                    Locale.ROOT,
                    "soak: %d minutes, %,d requests, %d failed, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms; Caracal RSS after"
                            + " 1 minute %d MB, at the end %d MB (%.2fx)%n",
                    soakMinutes,
                    all.getTotalCount() + failed,
                    failed,
                    all.getValueAtPercentile(50) / 1e6,
                    all.getValueAtPercentile(99) / 1e6,
                    all.getValueAtPercentile(99.9) / 1e6,
                    rss1 / 1024,
                    rssN / 1024,
                    (double) rssN / rss1);
        }
        if (caracal != null) {
            caracal.close();
        }
        upstream.stop(0);
        System.exit(0);
    }

    /** Attaches to Caracal's JVM to read its allocation counters; null (with the reason printed) when it cannot. */
    private static RemoteAllocation attach(long pid) {
        try {
            return RemoteAllocation.attach(pid);
        } catch (IOException | RuntimeException e) {
            System.out.println("allocation per request not measured: " + e.getMessage());
            return null;
        }
    }

    static HttpServer startUpstream(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/v1/chat/completions", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, COMPLETION.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(COMPLETION);
            }
        });
        server.createContext("/v1/models", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, MODELS.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(MODELS);
            }
        });
        server.start();
        return server;
    }

    /** Latencies of the answered requests in nanoseconds, and failures. */
    record Result(Histogram latencies, int failures, int sent, double seconds, Map<String, Integer> reasons) {
        double p(double percentile) {
            return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(percentile);
        }

        double mean() {
            return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getMean();
        }

        String line(String label) {
            return String.format(
                    Locale.ROOT,
                    "%-26s %6d req, %3d failed, %7.1f req/s: mean %.3f ms, p50 %.3f ms, p90 %.3f ms,"
                            + " p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%s",
                    label,
                    sent,
                    failures,
                    sent / seconds,
                    mean() / 1e6,
                    p(50) / 1e6,
                    p(90) / 1e6,
                    p(99) / 1e6,
                    p(99.9) / 1e6,
                    latencies.getTotalCount() == 0 ? Double.NaN : latencies.getMaxValue() / 1e6,
                    reasons.isEmpty() ? "" : " " + reasons);
        }
    }

    /**
     * Warms a path up at 10%, 25% and 50% of the rate for 5 s each, then at the full rate for the rest. Hitting a cold
     * JVM at the full rate at once makes every request slow for seconds, so an open-loop client piles up hundreds in
     * flight: Caracal then holds ~280 threads and ~680 connections (one Jetty thread and one upstream connection per
     * call in flight) and keeps them, because at a steady 1,000 req/s none stays idle long enough to be reaped; its
     * young-collection pauses grew from 2 to 6 ms with them. The ramp is what a warming client sees in production.
     */
    static void warm(HttpClient client, URI uri, int rate, int seconds) throws InterruptedException {
        int left = seconds;
        for (int percent : new int[] {10, 25, 50}) {
            if (left > 5) {
                load(client, uri, Math.max(1, rate * percent / 100), 5);
                left -= 5;
            }
        }
        load(client, uri, rate, left);
    }

    /** Sends {@code rate} requests per second for {@code seconds} on a fixed schedule; waits for every answer. */
    static Result load(HttpClient client, URI uri, int rate, int seconds) throws InterruptedException {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        Histogram latencies = new ConcurrentHistogram(3); // auto-resizing, 3 significant digits
        long[] byIndex = new long[total];
        AtomicInteger failures = new AtomicInteger();
        Map<String, Integer> reasons = new ConcurrentHashMap<>();
        CompletableFuture<?>[] all = new CompletableFuture<?>[total];
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                // the direct upstream ignores it; Caracal authenticates the call with it (the script sets the variable)
                .header("Authorization", "Bearer " + System.getenv().getOrDefault("CARACAL_ADMIN_KEY", "sk-bench"))
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST))
                .build();
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            parkUntil(scheduled);
            all[i] = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .handle((r, e) -> {
                        long latency = System.nanoTime() - scheduled;
                        if (e != null || r.statusCode() != 200) {
                            failures.incrementAndGet();
                            String reason =
                                    e != null ? e.getClass().getSimpleName() : r.statusCode() + " " + brief(r.body());
                            reasons.merge(reason, 1, Integer::sum);
                        } else {
                            latencies.recordValue(latency);
                            byIndex[(int) ((scheduled - start) / interval)] = latency;
                        }
                        return null;
                    });
        }
        CompletableFuture.allOf(all).join();
        String dump = System.getProperty("gateway.dump");
        if (dump != null) {
            // the first line is the wall-clock start, to line the requests up with a GC log (-Xlog:gc:...:time)
            StringBuilder sb =
                    new StringBuilder("# start-epoch-ms ").append(startMillis).append('\n');
            for (long l : byIndex) {
                sb.append(l).append('\n');
            }
            try {
                Files.writeString(Path.of(dump + "-" + uri.getPort() + "-" + seconds + ".txt"), sb);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new Result(latencies, failures.get(), total, elapsed, new TreeMap<>(reasons));
    }

    /** Parks the calling thread until {@link System#nanoTime()} reaches {@code deadline} (open-loop schedules). */
    static void parkUntil(long deadline) {
        long wait = deadline - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** The CPU time a process has used (user and system), in clock ticks, from /proc; -1 when it cannot be read. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What {@code via} adds to {@code direct}: the differences of their means and percentiles. */
    private static String added(Result via, Result direct, String label) {
        return String.format(
                Locale.ROOT,
                "%s: mean %.3f ms, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms",
                label,
                (via.mean() - direct.mean()) / 1e6,
                (via.p(50) - direct.p(50)) / 1e6,
                (via.p(90) - direct.p(90)) / 1e6,
                (via.p(99) - direct.p(99)) / 1e6);
    }

    /** The first 400 characters of a body, its white space collapsed. */
    private static String brief(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return text.substring(0, Math.min(400, text.length()));
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
