package dev.caracal.benchmarks.gateway;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Two or more gateways (builds, or one build with different JVM options) measured in alternating short phases at one
 * open-loop rate, with the upstream directly as a third path in every round, so that a change worth 10% of CPU per
 * request shows on a host whose speed drifts by more than that between two runs minutes apart (see docs/benchmarks.md,
 * issue 15). {@code benchmarks/scripts/gateway-ab.sh} starts the gateways, all pinned to the same core.
 *
 * <p>Each contender is warmed once (ramped, {@code gateway.warmupSeconds}); then every round visits the direct path and
 * every contender in a shuffled order, each warmed again for {@code gateway.abWarmSeconds} (connection pools refilled,
 * unramped) and measured for the phase's seconds. Per phase: the gateway's CPU per request (user and system time from
 * /proc), context switches per request (its threads' voluntary and involuntary, from /proc), bytes allocated per
 * request (the JVM's counters), the mean and p99 added to that round's direct path. The summary gives each metric's
 * median and range over the rounds, and each contender's ratio to the first one computed within each round.
 */
public final class GatewayAb {
    /** A gateway under test: its label, base URL, process and counters (null when it could not be attached). */
    private record Contender(String name, String url, long pid, RemoteAllocation counters) {}

    /** What one phase of one contender measured. */
    private record Sample(
            double cpuMicros,
            double userMicros,
            double systemMicros,
            double voluntary,
            double involuntary,
            double allocatedKb,
            double addedMeanMs,
            double addedP99Ms,
            int failed) {}

    private static final String DIRECT = "direct";

    private GatewayAb() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: UPSTREAM_PORT RATE SECONDS ROUNDS NAME=URL@PID [NAME=URL@PID ...]");
            System.exit(2);
        }
        int upstreamPort = Integer.parseInt(args[0]);
        int rate = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        List<Contender> contenders = new ArrayList<>();
        for (String spec : Arrays.copyOfRange(args, 4, args.length)) {
            String name = spec.substring(0, spec.indexOf('='));
            String url = spec.substring(spec.indexOf('=') + 1, spec.lastIndexOf('@'));
            long pid = Long.parseLong(spec.substring(spec.lastIndexOf('@') + 1));
            contenders.add(new Contender(name, url, pid, attach(pid)));
        }
        Ingress ingress = Ingress.named(System.getProperty("gateway.ingress", "openai"));
        boolean stream = Boolean.getBoolean("gateway.stream");
        ingress.check(stream, GatewayOverhead.PASS_THROUGH);
        Upstream upstream = Upstream.start(upstreamPort, GatewayOverhead.PASS_THROUGH, 0);
        String key = System.getenv().getOrDefault("CARACAL_ADMIN_KEY", "sk-bench");
        OpenLoop loop = new OpenLoop(
                OpenLoop.loadClient(),
                ingress,
                stream,
                ingress.body(stream, GatewayOverhead.PASS_THROUGH),
                key,
                GatewayOverhead.defaultMaxInFlight());
        String direct = "http://127.0.0.1:" + upstreamPort;
        int warmup = Integer.getInteger("gateway.warmupSeconds", 60);
        int rewarm = Integer.getInteger("gateway.abWarmSeconds", 3);
        System.out.printf(
                Locale.ROOT,
                "A/B at %d requests/s (%s ingress, %s): %d rounds of %d s per path (each re-warmed %d s), after %d s"
                        + " of ramped warm-up per path%n",
                rate,
                ingress.name().toLowerCase(Locale.ROOT),
                stream ? "streamed" : "not streamed",
                rounds,
                seconds,
                rewarm,
                warmup);
        loop.warm(direct, rate, Math.min(warmup, 10), true);
        for (Contender c : contenders) {
            loop.warm(c.url(), rate, warmup, true);
        }
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        Map<String, ThreadTotals> threads = new LinkedHashMap<>();
        contenders.forEach(c -> {
            samples.put(c.name(), new ArrayList<>());
            threads.put(c.name(), new ThreadTotals());
        });
        Random random = new Random(Long.getLong("gateway.abSeed", System.nanoTime()));
        for (int round = 1; round <= rounds; round++) {
            List<Contender> order = new ArrayList<>(contenders);
            order.add(new Contender(DIRECT, direct, -1, null));
            Collections.shuffle(order, random);
            Result directResult = null;
            Map<Contender, Measured> measured = new LinkedHashMap<>();
            for (Contender c : order) {
                loop.warm(c.url(), rate, rewarm, false);
                Measured m = Measured.of(loop, c, rate, seconds);
                if (c.name().equals(DIRECT)) {
                    directResult = m.result();
                } else {
                    measured.put(c, m);
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "round %d: direct mean %.3f ms, p99 %.3f ms, %d failed; load JVM %.2f cores%n",
                    round,
                    directResult.mean() / 1e6,
                    directResult.p(99) / 1e6,
                    directResult.failures(),
                    directResult.jvmCores());
            for (Contender c : contenders) {
                Sample s = measured.get(c).sample(directResult);
                samples.get(c.name()).add(s);
                threads.get(c.name()).add(measured.get(c));
                if (s.failed() > 0 || measured.get(c).result().maxLagNanos() > 100_000_000L) {
                    // the whole line, with the failures' reasons and the load generator's own state
                    System.out.println("    " + measured.get(c).result().line(c.name()));
                }
                System.out.printf(
                        Locale.ROOT,
                        "  %-12s CPU %6.1f us/req (user %.1f, system %.1f), context switches %.2f + %.2f/req,"
                                + " %.1f KB/req, added mean %.3f ms, p99 %.3f ms, %d failed%n",
                        c.name(),
                        s.cpuMicros(),
                        s.userMicros(),
                        s.systemMicros(),
                        s.voluntary(),
                        s.involuntary(),
                        s.allocatedKb(),
                        s.addedMeanMs(),
                        s.addedP99Ms(),
                        s.failed());
            }
        }
        summary(contenders, samples);
        threads.forEach((name, totals) -> totals.print(name));
        for (Contender c : contenders) {
            if (c.counters() != null) {
                c.counters().close();
            }
        }
        upstream.stop();
        System.exit(0);
    }

    /** One phase's result with the counters read around it: CPU ticks {user, system}, thread groups' switches. */
    private record Measured(
            Result result, long[] ticks, long[] ticksAfter, Map<String, long[]> threads, long allocated) {
        static Measured of(OpenLoop loop, Contender c, int rate, int seconds) throws InterruptedException {
            long[] ticks = ProcStats.cpuTicksSplit(c.pid());
            Map<String, long[]> threads = ProcStats.threadGroups(c.pid());
            Map<Long, Long> before = c.counters() == null ? null : c.counters().snapshot();
            Result r = loop.run(c.url(), rate, seconds, null);
            long allocated = before == null ? -1 : c.counters().since(before);
            long[] ticksAfter = ProcStats.cpuTicksSplit(c.pid());
            Map<String, long[]> used = ProcStats.difference(ProcStats.threadGroups(c.pid()), threads);
            return new Measured(r, ticks, ticksAfter, used, allocated);
        }

        Sample sample(Result direct) {
            double n = result.sent();
            // /proc counts CPU time in clock ticks of 10 ms (USER_HZ 100 on Linux)
            boolean cpu = ticks != null && ticksAfter != null;
            double user = cpu ? (ticksAfter[0] - ticks[0]) * 10_000.0 / n : -1;
            double system = cpu ? (ticksAfter[1] - ticks[1]) * 10_000.0 / n : -1;
            long voluntary = threads.values().stream().mapToLong(t -> t[0]).sum();
            long involuntary = threads.values().stream().mapToLong(t -> t[1]).sum();
            return new Sample(
                    cpu ? user + system : -1,
                    user,
                    system,
                    voluntary / n,
                    involuntary / n,
                    allocated < 0 ? -1 : allocated / 1024.0 / n,
                    (result.mean() - direct.mean()) / 1e6,
                    (result.p(99) - direct.p(99)) / 1e6,
                    result.failures());
        }
    }

    /** Each thread group's switches and CPU over every round of one contender. */
    private static final class ThreadTotals {
        final Map<String, long[]> groups = new TreeMap<>();
        long requests;

        void add(Measured m) {
            requests += m.result().sent();
            m.threads().forEach((group, d) -> {
                long[] sum = groups.computeIfAbsent(group, g -> new long[d.length]);
                for (int i = 0; i < d.length; i++) {
                    sum[i] += d[i];
                }
            });
        }

        void print(String name) {
            System.out.printf(Locale.ROOT, "  %s, by thread group (every round; threads named alike):%n", name);
            groups.entrySet().stream()
                    .filter(e -> e.getValue()[0] + e.getValue()[1] + e.getValue()[2] > 0)
                    .sorted((a, b) ->
                            Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
                    .limit(6)
                    .forEach(e -> System.out.printf(
                            Locale.ROOT,
                            "    %-24s context switches %.2f + %.2f/req, CPU %.1f us/req%n",
                            e.getKey(),
                            e.getValue()[0] / (double) requests,
                            e.getValue()[1] / (double) requests,
                            e.getValue()[2] * 10_000.0 / requests));
        }
    }

    private static void summary(List<Contender> contenders, Map<String, List<Sample>> samples) {
        System.out.println("\nmedian (min..max) over the rounds:");
        String first = contenders.get(0).name();
        for (Contender c : contenders) {
            List<Sample> s = samples.get(c.name());
            System.out.printf(
                    Locale.ROOT,
                    "  %-12s CPU %s us/req (system %s), context switches %s + %s/req, %s KB/req, added mean %s ms,"
                            + " p99 %s ms, %d failed%n",
                    c.name(),
                    spread(s, Sample::cpuMicros, "%.1f"),
                    spread(s, Sample::systemMicros, "%.1f"),
                    spread(s, Sample::voluntary, "%.2f"),
                    spread(s, Sample::involuntary, "%.2f"),
                    spread(s, Sample::allocatedKb, "%.1f"),
                    spread(s, Sample::addedMeanMs, "%.3f"),
                    spread(s, Sample::addedP99Ms, "%.3f"),
                    s.stream().mapToInt(Sample::failed).sum());
        }
        for (Contender c : contenders.subList(1, contenders.size())) {
            List<Sample> base = samples.get(first);
            List<Sample> s = samples.get(c.name());
            System.out.printf(
                    Locale.ROOT,
                    "  %s / %s per round: CPU %s, context switches %s, allocation %s, added mean %s%n",
                    c.name(),
                    first,
                    ratio(s, base, Sample::cpuMicros),
                    ratio(s, base, x -> x.voluntary() + x.involuntary()),
                    ratio(s, base, Sample::allocatedKb),
                    ratio(s, base, Sample::addedMeanMs));
        }
    }

    private static String spread(List<Sample> samples, ToDoubleFunction<Sample> metric, String format) {
        double[] v = samples.stream().mapToDouble(metric).sorted().toArray();
        return String.format(
                Locale.ROOT, format + " (" + format + ".." + format + ")", median(v), v[0], v[v.length - 1]);
    }

    private static String ratio(List<Sample> samples, List<Sample> base, ToDoubleFunction<Sample> metric) {
        double[] r = new double[samples.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = metric.applyAsDouble(samples.get(i)) / metric.applyAsDouble(base.get(i));
        }
        Arrays.sort(r);
        return String.format(Locale.ROOT, "x%.2f (%.2f..%.2f)", median(r), r[0], r[r.length - 1]);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static RemoteAllocation attach(long pid) {
        try {
            return RemoteAllocation.attach(pid);
        } catch (IOException | RuntimeException e) {
            System.out.println("allocation of process " + pid + " not measured: " + e.getMessage());
            return null;
        }
    }
}
