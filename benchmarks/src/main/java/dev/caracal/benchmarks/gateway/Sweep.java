package dev.caracal.benchmarks.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary of a rate sweep: one row per rate and path, then for each path the rate at which it saturates, by a
 * coarse rule that claims no more precision than the sweep's steps: the first rate with failures, or whose p99 (added
 * over the direct path's; the direct path's own for the direct path) exceeds ten times the previous rate's, or 10 ms
 * when that was under 1 ms (a p99 of a 20-second phase moves by a few ms from run to run on a shared VM: nginx
 * tripped a 0.1 ms floor going from 0.23 to 2.6 ms while nothing else changed). The achieved rate is not part of the rule: it counts the wait
 * for the last answers, which long streams stretch without any saturation. When the direct path itself saturates,
 * the machine (load generator and upstream, on the same cores) is the limit from there on, and the other paths'
 * figures say as much about it as about them; the summary says so.
 */
final class Sweep {
    static final String DIRECT = "direct";

    /** One measured phase: the server's CPU per request and cores busy are -1 when not measured (direct). */
    record Row(int rate, String path, Result result, Result direct, double serverMicros, double serverCores) {
        /** The p99 the rule looks at, in ns: added over direct, or direct's own. */
        double p99() {
            return direct == null ? result.p(99) : result.p(99) - direct.p(99);
        }
    }

    private final boolean stream;
    private final Map<String, List<Row>> byPath = new LinkedHashMap<>();

    Sweep(boolean stream) {
        this.stream = stream;
    }

    void add(Row row) {
        byPath.computeIfAbsent(row.path(), p -> new ArrayList<>()).add(row);
    }

    void print() {
        System.out.println();
        System.out.println("summary: latencies in ms from the scheduled send"
                + (stream ? " to the end of the stream (TTFT: to the first token)" : "")
                + "; added = the path's minus the direct path's at the same rate;");
        System.out.println("server = Caracal on the gateway's rows, the peer proxy on its own; load JVM = the load"
                + " generator with the in-JVM upstream, cores busy; sender late = its worst lag behind schedule, ms");
        System.out.printf(
                Locale.ROOT,
                "%6s  %-14s %9s %7s %8s %8s %8s %10s %10s%s %14s %12s %14s %12s%n",
                "rate",
                "path",
                "achieved",
                "failed",
                "mean",
                "p50",
                "p99",
                "added mean",
                "added p99",
                stream ? String.format(Locale.ROOT, " %9s %9s %14s", "TTFT p50", "TTFT p99", "added TTFT p99") : "",
                "server us/req",
                "server cores",
                "load JVM cores",
                "sender late");
        List<Row> all = new ArrayList<>();
        byPath.values().forEach(all::addAll);
        all.sort((a, b) -> Integer.compare(a.rate(), b.rate()));
        for (Row row : all) {
            Result r = row.result();
            Result d = row.direct();
            System.out.printf(
                    Locale.ROOT,
                    "%6d  %-14s %9.1f %7d %8.3f %8.3f %8.3f %10s %10s%s %14s %12s %14.2f %12.1f%n",
                    row.rate(),
                    shorten(row.path()),
                    r.achieved(),
                    r.failures(),
                    r.mean() / 1e6,
                    r.p(50) / 1e6,
                    r.p(99) / 1e6,
                    d == null ? "-" : ms(r.mean() - d.mean()),
                    d == null ? "-" : ms(r.p(99) - d.p(99)),
                    stream
                            ? String.format(
                                    Locale.ROOT,
                                    " %9.3f %9.3f %14s",
                                    r.firstTokenP(50) / 1e6,
                                    r.firstTokenP(99) / 1e6,
                                    d == null ? "-" : ms(r.firstTokenP(99) - d.firstTokenP(99)))
                            : "",
                    row.serverMicros() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", row.serverMicros()),
                    row.serverCores() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", row.serverCores()),
                    r.jvmCores(),
                    r.maxLagNanos() / 1e6);
        }
        Integer directLimit = null;
        for (Map.Entry<String, List<Row>> e : byPath.entrySet()) {
            Integer limit = saturation(e.getKey(), e.getValue());
            if (e.getKey().equals(DIRECT)) {
                directLimit = limit;
            } else if (directLimit != null && (limit == null || limit >= directLimit)) {
                System.out.printf(
                        Locale.ROOT,
                        "  caution: the direct path itself saturated at %d req/s: from there on, the figures of %s"
                                + " measure this machine (load generator, upstream and proxy sharing the cores) as"
                                + " much as the proxy%n",
                        directLimit,
                        e.getKey());
            }
        }
    }

    /** Prints where {@code path} saturates and returns that rate, or null when it kept up at every rate. */
    private static Integer saturation(String path, List<Row> rows) {
        String metric = rows.get(0).direct() == null ? "p99" : "added p99";
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            String why = null;
            if (row.result().failures() > 0) {
                why = String.format(
                        Locale.ROOT,
                        "%d of %d failed: %s",
                        row.result().failures(),
                        row.result().sent(),
                        row.result().reasons());
            } else if (i > 0 && row.p99() > 10 * Math.max(rows.get(i - 1).p99(), 1_000_000)) {
                why = String.format(
                        Locale.ROOT,
                        "%s %s ms against %s ms at %d req/s",
                        metric,
                        ms(row.p99()),
                        ms(rows.get(i - 1).p99()),
                        rows.get(i - 1).rate());
            }
            if (why != null) {
                System.out.printf(
                        Locale.ROOT,
                        "%s: %s (%s)%n",
                        path,
                        i == 0
                                ? "saturated already at the lowest rate, " + row.rate() + " req/s"
                                : "kept up at " + rows.get(i - 1).rate() + " req/s, saturates between there and "
                                        + row.rate() + " req/s",
                        why);
                return row.rate();
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s: kept up at every rate, up to %d req/s (no failures, %s never 10x the previous rate's)%n",
                path,
                rows.get(rows.size() - 1).rate(),
                metric);
        return null;
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String shorten(String path) {
        return path.length() <= 14 ? path : path.substring(0, 14);
    }
}
