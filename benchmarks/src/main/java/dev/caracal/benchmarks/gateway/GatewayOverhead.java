package dev.caracal.benchmarks.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Latency the gateway adds: one open-loop load ({@link OpenLoop}: requests sent on a fixed schedule, latency measured
 * from the scheduled send time, so a stall is charged to every request it delays) at the same rate against the same
 * local upstream ({@link Upstream}), first directly, then through a peer proxy if one is given (nginx), then through
 * Caracal. The upstream runs in this JVM and answers canned answers at once, so what differs between the phases is the
 * proxy. Latencies are recorded in HdrHistogram (3 significant digits); each phase's line (mean, percentiles, maximum,
 * and this JVM's own CPU, so that a saturated load generator shows) is printed as soon as the phase ends. Given
 * Caracal's process id, the gateway phase also reports the bytes Caracal allocated per request, from its own
 * per-thread counters (see {@link RemoteAllocation}), and the CPU time its process used per request (every thread:
 * Jetty, the upstream client, GC, JIT). Optionally a soak ({@link Soak}).
 *
 * <pre>
 * java -cp ... dev.caracal.benchmarks.gateway.GatewayOverhead upstream PORT          # the upstream alone
 * java -cp ... dev.caracal.benchmarks.gateway.GatewayOverhead run UPSTREAM_PORT GATEWAY_URL RATE[,RATE...] SECONDS
 *      [SOAK_MINUTES CARACAL_PID]
 * </pre>
 *
 * {@code benchmarks/scripts/gateway.sh} starts the distribution wired to the upstream and runs this. Several rates
 * (a comma list) make a sweep: every path at each rate in turn, then a summary table and where each path saturates
 * ({@link Sweep}); the soak runs at the first rate. System properties:
 *
 * <ul>
 *   <li>{@code gateway.ingress}: {@code openai} (default; {@code /v1/chat/completions}) or {@code anthropic}
 *       ({@code /v1/messages}, which Caracal routes to its Anthropic provider): the format on every path, in and out.
 *   <li>{@code gateway.stream}: {@code true} streams every answer; the time to first token is reported beside the end
 *       of the stream, and what the gateway adds to each. {@code gateway.tokenDelayMicros} (default 0): the
 *       upstream's pause between two tokens, which separates the first token from the end (a buffered stream shows
 *       as a first token as late as the end).
 *   <li>{@code gateway.passThrough}: see {@link #PASS_THROUGH}.
 *   <li>{@code gateway.warmupSeconds} (default 60, per path, ramped); {@code gateway.sweepWarmupSeconds} (default 10,
 *       no ramp): the warm-up at a sweep's later rates, whose JVMs are already warm.
 *   <li>{@code gateway.maxInFlight}: requests in flight at most (see {@link #defaultMaxInFlight});
 *       {@code gateway.drainSeconds} (default 60): the longest wait for the last answers of a phase.
 *   <li>{@code gateway.peer} (the base URL of another proxy in front of the same upstream, e.g. nginx, measured between
 *       the two phases as a third path; {@code gateway.peerName} labels it, {@code gateway.peerPid} is the process
 *       whose CPU time per request is reported for it).
 *   <li>{@code gateway.dump} (a file prefix: the phase's wall-clock start, then every measured request's latency in
 *       send order, one file per phase, to see when the slow ones happened and line them up with a GC log).
 * </ul>
 */
public final class GatewayOverhead {
    /**
     * {@code gateway.passThrough=true}: the request carries members the gateway does not model (verbatim to the
     * upstream) and the answer members it does not model (verbatim back), as OpenAI's and Anthropic's own answers do,
     * so both directions of same-format pass-through are on the measured path.
     */
    static final boolean PASS_THROUGH = Boolean.getBoolean("gateway.passThrough");

    private static final long TOKEN_DELAY_MICROS = Long.getLong("gateway.tokenDelayMicros", 0);

    /** The paths measured at each rate: base URLs, the peer's label and process (null and -1 without a peer). */
    private record Paths(String direct, String peer, String peerName, long peerPid, String gateway) {}

    /** What every rate's measurement shares: the load, the paths, Caracal's counters (or null), the summary. */
    private record Bench(OpenLoop loop, Paths paths, RemoteAllocation caracal, boolean stream, Sweep sweep) {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("upstream")) {
            Upstream.start(Integer.parseInt(args[1]), PASS_THROUGH, TOKEN_DELAY_MICROS);
            Thread.currentThread().join();
        }
        if (args.length < 5 || !args[0].equals("run")) {
            System.err.println(
                    "usage: upstream PORT | run UPSTREAM_PORT GATEWAY_URL RATE[,RATE...] SECONDS [SOAK_MINUTES PID]");
            System.exit(2);
        }
        int upstreamPort = Integer.parseInt(args[1]);
        int[] rates = Arrays.stream(args[3].split(","))
                .mapToInt(r -> Integer.parseInt(r.trim()))
                .toArray();
        int seconds = Integer.parseInt(args[4]);
        int soakMinutes = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        long pid = args.length > 6 ? Long.parseLong(args[6]) : -1;
        Ingress ingress = Ingress.named(System.getProperty("gateway.ingress", "openai"));
        boolean stream = Boolean.getBoolean("gateway.stream");
        ingress.check(stream, PASS_THROUGH);
        int maxInFlight = Integer.getInteger("gateway.maxInFlight", defaultMaxInFlight());
        Upstream upstream = Upstream.start(upstreamPort, PASS_THROUGH, TOKEN_DELAY_MICROS);
        HttpClient client = OpenLoop.loadClient();
        String key = System.getenv().getOrDefault("CARACAL_ADMIN_KEY", "sk-bench");
        OpenLoop loop = new OpenLoop(client, ingress, stream, ingress.body(stream, PASS_THROUGH), key, maxInFlight);
        String peer = System.getProperty("gateway.peer");
        Paths paths = new Paths(
                "http://127.0.0.1:" + upstreamPort,
                peer,
                System.getProperty("gateway.peerName", "the peer proxy"),
                Long.getLong("gateway.peerPid", -1),
                args[2]);
        int warmup = Integer.getInteger("gateway.warmupSeconds", 60);
        int laterWarmup = Math.min(warmup, Integer.getInteger("gateway.sweepWarmupSeconds", 10));
        System.out.printf(
                Locale.ROOT,
                "open-loop %s requests/s, %d s per phase after %d s warm-up each, %d cores for" + " this JVM%n",
                Arrays.stream(rates).mapToObj(Integer::toString).collect(Collectors.joining(",")),
                seconds,
                warmup,
                Runtime.getRuntime().availableProcessors());
        if (ingress != Ingress.OPENAI || stream || rates.length > 1) {
            System.out.printf(
                    Locale.ROOT,
                    "%s ingress (%s, model %s), %s; at most %,d requests in flight%s%n",
                    ingress.name().toLowerCase(Locale.ROOT),
                    ingress.path(),
                    ingress.model(),
                    stream
                            ? "streamed (" + Canned.TOKENS + " tokens, " + TOKEN_DELAY_MICROS
                                    + " us between two; the phase lines are to the end of the stream)"
                            : "not streamed",
                    maxInFlight,
                    rates.length > 1 ? "; later rates warm up " + laterWarmup + " s, no ramp" : "");
        }
        probe(client, ingress, stream, key, paths);
        // warm each path (JIT, connection pools) right before measuring it, ramped (see OpenLoop.warm). The gateway
        // path runs through Karaf, Jetty, Jackson and the JDK client; with Caracal pinned to one core, C2 was still
        // compiling in a measured phase that followed a 30 s warm-up (seconds of ~5 ms stalls, one scheduler slice
        // each), and was quiet after 60 s. Warming both paths before measuring either left Caracal idle through the
        // whole direct phase (Jetty and the upstream closed the idle connections): its first seconds then held up to
        // 300 requests over 1 ms per second against ~15 in steady state.
        RemoteAllocation caracal = pid > 0 ? attach(pid) : null;
        Sweep sweep = new Sweep(stream);
        Bench bench = new Bench(loop, paths, caracal, stream, sweep);
        for (int i = 0; i < rates.length; i++) {
            int warm = i == 0 ? warmup : laterWarmup;
            if (rates.length > 1) {
                System.out.printf(Locale.ROOT, "%n== %d requests/s ==%n", rates[i]);
            }
            measure(bench, rates[i], seconds, warm, i == 0, rates.length > 1);
        }
        if (rates.length > 1) {
            sweep.print();
        }
        if (soakMinutes > 0 && pid > 0) {
            Soak.run(loop, paths.gateway(), rates[0], soakMinutes, pid);
        }
        if (caracal != null) {
            caracal.close();
        }
        upstream.stop();
        System.exit(0);
    }

    /** Every path at one rate, each warmed right before it is measured; prints each phase as it ends. */
    private static void measure(Bench bench, int rate, int seconds, int warm, boolean ramp, boolean sweeping)
            throws InterruptedException {
        OpenLoop loop = bench.loop();
        Paths paths = bench.paths();
        RemoteAllocation caracal = bench.caracal();
        boolean stream = bench.stream();
        Sweep sweep = bench.sweep();
        loop.warm(paths.direct(), rate, warm, ramp);
        Result d = loop.run(paths.direct(), rate, seconds, dumpFile(paths.direct(), sweeping ? rate : -1, seconds, ""));
        print(d, "direct to the upstream", stream);
        sweep.add(new Sweep.Row(rate, Sweep.DIRECT, d, null, -1, -1));
        Result peer = null;
        double peerMicros = -1;
        double peerCores = -1;
        if (paths.peer() != null) {
            loop.warm(paths.peer(), rate, warm, ramp);
            long ticks = paths.peerPid() > 0 ? ProcStats.cpuTicks(paths.peerPid()) : -1;
            peer = loop.run(paths.peer(), rate, seconds, dumpFile(paths.peer(), sweeping ? rate : -1, seconds, ""));
            if (ticks >= 0) {
                // /proc counts CPU time in clock ticks of 10 ms (USER_HZ 100 on Linux)
                long used = ProcStats.cpuTicks(paths.peerPid()) - ticks;
                peerMicros = used * 10_000.0 / peer.sent();
                peerCores = used / 100.0 / peer.seconds();
            }
            print(peer, "through " + paths.peerName(), stream);
            sweep.add(new Sweep.Row(rate, paths.peerName(), peer, d, peerMicros, peerCores));
        }
        loop.warm(paths.gateway(), rate, warm, ramp);
        Map<Long, Long> allocatedBefore = caracal == null ? null : caracal.snapshot();
        long cpuBefore = caracal == null ? -1 : caracal.cpuNanos();
        Result g =
                loop.run(paths.gateway(), rate, seconds, dumpFile(paths.gateway(), sweeping ? rate : -1, seconds, ""));
        long cpu = caracal == null ? -1 : caracal.cpuNanos() - cpuBefore;
        long allocated = caracal == null ? -1 : caracal.since(allocatedBefore);
        print(g, "through the gateway", stream);
        sweep.add(new Sweep.Row(
                rate, "gateway", g, d, cpu < 0 ? -1 : cpu / 1e3 / g.sent(), cpu < 0 ? -1 : cpu / 1e9 / g.seconds()));
        if (peer != null) {
            printAdded(peer, d, "added by " + paths.peerName(), stream);
            if (peerMicros >= 0) {
                System.out.printf(Locale.ROOT, "%s's CPU per request: %.1f us%n", paths.peerName(), peerMicros);
            }
        }
        printAdded(g, d, "added by the gateway", stream);
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
    }

    private static void print(Result r, String label, boolean stream) {
        System.out.println(r.line(label));
        if (stream) {
            System.out.println(r.firstTokenLine());
        }
    }

    private static void printAdded(Result via, Result direct, String label, boolean stream) {
        System.out.println(Result.added(via, direct, label));
        if (stream) {
            System.out.println(Result.addedFirstToken(via, direct, label));
        }
    }

    /**
     * One answer from every path, checked ({@link ShapeCheck}), and the gateway's printed once: what the measured
     * requests will get. Skipped for the plain OpenAI call not streamed (its output stays as it was), except for the
     * pass-through line.
     */
    private static void probe(HttpClient client, Ingress ingress, boolean stream, String key, Paths paths)
            throws IOException, InterruptedException {
        String body = ingress.body(stream, PASS_THROUGH);
        String answer = client.send(ingress.request(paths.gateway(), body, key), HttpResponse.BodyHandlers.ofString())
                .body();
        if (PASS_THROUGH) {
            System.out.println("pass-through: the upstream's " + ingress.markerMember() + " "
                    + (answer.contains(ingress.marker()) ? "reaches" : "does NOT reach")
                    + " the client through the gateway");
        }
        if (ingress == Ingress.OPENAI && !stream) {
            return;
        }
        StringBuilder verdicts = new StringBuilder("shape check:");
        for (String base : new String[] {paths.direct(), paths.peer(), paths.gateway()}) {
            if (base == null) {
                continue;
            }
            HttpResponse<String> r =
                    client.send(ingress.request(base, body, key), HttpResponse.BodyHandlers.ofString());
            List<String> problems = ShapeCheck.problems(ingress, stream, r.body());
            String type = r.headers().firstValue("Content-Type").orElse("none");
            if (stream && !type.startsWith("text/event-stream")) {
                problems.add("Content-Type " + type);
            }
            String name = base.equals(paths.direct())
                    ? "direct"
                    : base.equals(paths.gateway()) ? "through the gateway" : "through " + paths.peerName();
            verdicts.append(String.format(
                    Locale.ROOT,
                    " %s %s;",
                    name,
                    r.statusCode() == 200 && problems.isEmpty() ? "well-formed" : r.statusCode() + " " + problems));
        }
        System.out.println(verdicts);
        System.out.println("the gateway's answer (" + (stream ? "stream" : "message") + "):");
        System.out.println(stream ? answer.stripTrailing() : answer);
    }

    /**
     * The default cap on requests in flight: 20,000, or fewer when this JVM's descriptors or heap would run out first
     * (on the direct path each request in flight holds two sockets in this JVM, the client's and the upstream's, and
     * about 35 KB of heap in their buffers: 3,000 in flight kept ~110 MB live), so that a saturated path fails as
     * {@value OpenLoop#CAP}, not as "too many open files" or an OutOfMemoryError.
     */
    static int defaultMaxInFlight() {
        long fds = ProcStats.maxFileDescriptors(40_000);
        long heap = Runtime.getRuntime().maxMemory() / (40 * 1024);
        return (int) Math.max(100, Math.min(20_000, Math.min((fds - 1_000) / 2, heap)));
    }

    /** The dump file of a phase ({@code gateway.dump} + port [+ rate] + seconds), or null when not dumping. */
    static String dumpFile(String base, int rate, int seconds, String suffix) {
        String dump = System.getProperty("gateway.dump");
        return dump == null
                ? null
                : dump + "-" + URI.create(base).getPort() + (rate > 0 ? "-" + rate : "") + "-" + seconds + suffix
                        + ".txt";
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
}
