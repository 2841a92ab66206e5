package dev.caracal.benchmarks.gateway;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One phase of open-loop load: latencies of the answered requests in nanoseconds from their scheduled send (to the end
 * of the answer; for streams also to the first token, else {@code firstToken} is null), failures by reason, and what
 * the load generator's own JVM spent meanwhile, so that a reader sees when the generator, not the path, was the limit:
 * its CPU time (every thread, the in-JVM upstream's included), the upstream's threads' share of it, and how late the
 * sender woke for a send at worst (a sender behind schedule charges its lag to every request it delays, as it should,
 * but it is then the generator that saturates).
 */
record Result(
        Histogram latencies,
        Histogram firstToken,
        int failures,
        int sent,
        double seconds,
        Map<String, Integer> reasons,
        long jvmCpuNanos,
        long upstreamCpuNanos,
        long maxLagNanos) {

    double p(double percentile) {
        return p(latencies, percentile);
    }

    double mean() {
        return mean(latencies);
    }

    double firstTokenP(double percentile) {
        return firstToken == null ? Double.NaN : p(firstToken, percentile);
    }

    double firstTokenMean() {
        return firstToken == null ? Double.NaN : mean(firstToken);
    }

    /** Requests per second achieved: sent over the phase, the wait for the last answers included. */
    double achieved() {
        return sent / seconds;
    }

    /** Cores the load generator's JVM kept busy on average (load generator and in-JVM upstream). */
    double jvmCores() {
        return jvmCpuNanos / 1e9 / seconds;
    }

    double upstreamCores() {
        return upstreamCpuNanos / 1e9 / seconds;
    }

    private static double p(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile);
    }

    private static double mean(Histogram h) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getMean();
    }

    private static double max(Histogram h) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue();
    }

    /** The phase's line: counts, rate, latency to the end of the answer, the generator's own load, then failures. */
    String line(String label) {
        return String.format(
                Locale.ROOT,
                "%-26s %6d req, %3d failed, %7.1f req/s: mean %.3f ms, p50 %.3f ms, p90 %.3f ms,"
                        + " p99 %.3f ms, p99.9 %.3f ms, max %.3f ms; load JVM %.2f cores (upstream %.2f),"
                        + " sender late %.1f ms at most%s",
                label,
                sent,
                failures,
                achieved(),
                mean() / 1e6,
                p(50) / 1e6,
                p(90) / 1e6,
                p(99) / 1e6,
                p(99.9) / 1e6,
                max(latencies) / 1e6,
                jvmCores(),
                upstreamCores(),
                maxLagNanos / 1e6,
                reasons.isEmpty() ? "" : " " + reasons);
    }

    /** The second line of a streamed phase: latency to the first token. */
    String firstTokenLine() {
        return String.format(
                Locale.ROOT,
                "%-26s %38s mean %.3f ms, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms",
                "  first token",
                "",
                firstTokenMean() / 1e6,
                firstTokenP(50) / 1e6,
                firstTokenP(90) / 1e6,
                firstTokenP(99) / 1e6,
                firstTokenP(99.9) / 1e6,
                max(firstToken) / 1e6);
    }

    /** What {@code via} adds to {@code direct}: the differences of their means and percentiles (end of answer). */
    static String added(Result via, Result direct, String label) {
        return differences(label + ":", via.mean() - direct.mean(), q -> via.p(q) - direct.p(q));
    }

    /** The same for the time to first token. */
    static String addedFirstToken(Result via, Result direct, String label) {
        return differences(
                label + " to the first token:",
                via.firstTokenMean() - direct.firstTokenMean(),
                q -> via.firstTokenP(q) - direct.firstTokenP(q));
    }

    /** "{@code label} mean .. ms, p50 .. ms, p90 .. ms, p99 .. ms" from differences in nanoseconds. */
    private static String differences(String label, double mean, java.util.function.DoubleUnaryOperator percentile) {
        return String.format(
                Locale.ROOT,
                "%s mean %.3f ms, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms",
                label,
                mean / 1e6,
                percentile.applyAsDouble(50) / 1e6,
                percentile.applyAsDouble(90) / 1e6,
                percentile.applyAsDouble(99) / 1e6);
    }
}
