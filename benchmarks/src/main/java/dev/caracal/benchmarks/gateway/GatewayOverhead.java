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
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency the gateway adds: one open-loop load (requests sent on a fixed schedule, latency measured from the
 * scheduled send time, so a stall is charged to every request it delays) at the same rate against the same local
 * OpenAI-protocol upstream, first directly, then through Caracal's {@code /v1/chat/completions}. The upstream runs in
 * this JVM and answers a canned completion at once, so what differs between the two phases is the gateway.
 * Optionally a soak: the gateway phase for minutes, with the Caracal process's RSS after the first minute and at the
 * end.
 *
 * <pre>
 * java -cp ... dev.caracal.benchmarks.gateway.GatewayOverhead upstream PORT          # the upstream alone
 * java -cp ... dev.caracal.benchmarks.gateway.GatewayOverhead run UPSTREAM_PORT GATEWAY_URL RATE SECONDS
 *      [SOAK_MINUTES CARACAL_PID]
 * </pre>
 * {@code benchmarks/scripts/gateway.sh} starts the distribution wired to the upstream and runs both. System properties:
 * {@code gateway.warmupSeconds} (default 30, per path) and {@code gateway.dump} (a file prefix: every measured
 * request's latency in send order, one file per phase, to see when the slow ones happened).
 */
public final class GatewayOverhead {
    static final String MODEL = "bench-model";
    private static final byte[] COMPLETION = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"pong\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,"
            + "\"total_tokens\":6}}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] MODELS = ("{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL
            + "\",\"object\":\"model\",\"created\":1,\"owned_by\":\"bench\"}]}").getBytes(StandardCharsets.UTF_8);
    private static final String REQUEST = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"ping\"}],\"max_tokens\":8}";

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
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();
        URI direct = URI.create("http://127.0.0.1:" + upstreamPort + "/v1/chat/completions");
        URI viaGateway = URI.create(gateway + "/v1/chat/completions");
        System.out.printf(Locale.ROOT, "open-loop %d requests/s, %d s per phase after %d s warm-up each, %d cores for"
                        + " this JVM%n", rate, seconds, Integer.getInteger("gateway.warmupSeconds", 30),
                Runtime.getRuntime().availableProcessors());
        // warm both paths (JIT, connection pools), then measure. The gateway path runs through Karaf, Jetty, Jackson
        // and the JDK client: its latency keeps falling for ~20 s at 1,000 req/s while C2 compiles (10 s was too short:
        // the first seconds of the measured phase carried most of its slow requests)
        int warmup = Integer.getInteger("gateway.warmupSeconds", 30);
        load(client, direct, rate, warmup);
        load(client, viaGateway, rate, warmup);
        Result d = load(client, direct, rate, seconds);
        Result g = load(client, viaGateway, rate, seconds);
        System.out.println(d.line("direct to the upstream"));
        System.out.println(g.line("through the gateway"));
        System.out.printf(Locale.ROOT, "added by the gateway: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms%n",
                (g.p(50) - d.p(50)) / 1e6, (g.p(90) - d.p(90)) / 1e6, (g.p(99) - d.p(99)) / 1e6);
        if (soakMinutes > 0 && pid > 0) {
            Result first = load(client, viaGateway, rate, 60);
            long rss1 = rssKb(pid);
            System.out.println(first.line("soak, minute 1"));
            Result rest = load(client, viaGateway, rate, (soakMinutes - 1) * 60);
            long rssN = rssKb(pid);
            System.out.println(rest.line("soak, minutes 2-" + soakMinutes));
            System.out.printf(Locale.ROOT, "Caracal RSS after 1 minute %d MB, after %d minutes %d MB (%.2fx)%n",
                    rss1 / 1024, soakMinutes, rssN / 1024, (double) rssN / rss1);
        }
        upstream.stop(0);
        System.exit(0);
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

    /** Latencies in nanoseconds, and failures. */
    record Result(long[] latencies, int failures, int sent, double seconds, Map<String, Integer> reasons) {
        double p(double percentile) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(latencies.length - 1, Math.ceil(percentile / 100 * latencies.length) - 1);
            return latencies[Math.max(0, i)];
        }

        String line(String label) {
            return String.format(Locale.ROOT, "%-26s %6d req, %3d failed, %7.1f req/s: p50 %.3f ms, p90 %.3f ms,"
                            + " p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%s", label, sent, failures, sent / seconds,
                    p(50) / 1e6, p(90) / 1e6, p(99) / 1e6, p(99.9) / 1e6,
                    latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1] / 1e6,
                    reasons.isEmpty() ? "" : " " + reasons);
        }
    }

    /** Sends {@code rate} requests per second for {@code seconds} on a fixed schedule; waits for every answer. */
    static Result load(HttpClient client, URI uri, int rate, int seconds) throws InterruptedException {
        int total = rate * seconds;
        long interval = 1_000_000_000L / rate;
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        long[] byIndex = new long[total];
        AtomicInteger failures = new AtomicInteger();
        Map<String, Integer> reasons = new ConcurrentHashMap<>();
        CompletableFuture<?>[] all = new CompletableFuture<?>[total];
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-bench")
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            all[i] = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((r, e) -> {
                long latency = System.nanoTime() - scheduled;
                if (e != null || r.statusCode() != 200) {
                    failures.incrementAndGet();
                    String reason = e != null ? e.getClass().getSimpleName()
                            : r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8)
                                    .replaceAll("\\s+", " ").substring(0, Math.min(400, r.body().length));
                    reasons.merge(reason, 1, Integer::sum);
                } else {
                    latencies.add(latency);
                    byIndex[(int) ((scheduled - start) / interval)] = latency;
                }
                return null;
            });
        }
        CompletableFuture.allOf(all).join();
        String dump = System.getProperty("gateway.dump");
        if (dump != null) {
            StringBuilder sb = new StringBuilder();
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
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Result(sorted, failures.get(), total, elapsed, new TreeMap<>(reasons));
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
