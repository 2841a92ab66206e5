package dev.caracal.benchmarks.gateway;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The gateway path for minutes, one line a minute (p99 and Caracal's RSS should stay flat), then the whole: a leak
 * shows as RSS growing minute over minute, a slow degradation as p99 creeping up.
 */
final class Soak {
    private Soak() {}

    static void run(OpenLoop loop, String gateway, int rate, int minutes, long pid) throws InterruptedException {
        long rss1 = -1;
        int failed = 0;
        Histogram all = new Histogram(3);
        for (int minute = 1; minute <= minutes; minute++) {
            Result m = loop.run(gateway, rate, 60, GatewayOverhead.dumpFile(gateway, rate, 60, "-soak" + minute));
            long rss = ProcStats.rssKb(pid);
            rss1 = minute == 1 ? rss : rss1;
            failed += m.failures();
            all.add(m.latencies());
            System.out.printf(
                    Locale.ROOT,
                    "%s, RSS %d MB%n",
                    m.line(String.format(Locale.ROOT, "soak, minute %2d", minute)),
                    rss / 1024);
        }
        long rssN = ProcStats.rssKb(pid);
        System.out.printf(
                Locale.ROOT,
                "soak: %d minutes, %,d requests, %d failed, p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms; Caracal RSS after"
                        + " 1 minute %d MB, at the end %d MB (%.2fx)%n",
                minutes,
                all.getTotalCount() + failed,
                failed,
                all.getValueAtPercentile(50) / 1e6,
                all.getValueAtPercentile(99) / 1e6,
                all.getValueAtPercentile(99.9) / 1e6,
                rss1 / 1024,
                rssN / 1024,
                (double) rssN / rss1);
    }
}
