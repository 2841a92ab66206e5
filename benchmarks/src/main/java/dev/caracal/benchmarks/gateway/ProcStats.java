package dev.caracal.benchmarks.gateway;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time and memory of processes, for CPU per request and for telling whether the load generator itself was the
 * limit: another process's from {@code /proc} (nginx, Caracal's RSS), this JVM's from its own beans.
 */
final class ProcStats {
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ProcStats() {}

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

    /**
     * A process's CPU time split into user and system time, in clock ticks, from /proc: {@code {user, system}}, or
     * null when it cannot be read. System time is the kernel's work for the process (socket reads and writes, epoll,
     * the futex calls behind a thread hand-off).
     */
    static long[] cpuTicksSplit(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Per group of a process's threads alive now (threads named alike: digits and a trailing separator dropped from
     * the name, so {@code qtp123-45} and {@code qtp123-46} are one group), summed from /proc/PID/task/{@literal *}:
     * {@code {voluntary context switches, involuntary ones, CPU ticks}}. A voluntary switch is a thread blocking
     * (waiting for work, a lock, I/O: each hand-off of a request from one thread to another costs one), an
     * involuntary one a thread preempted. A thread that ended in between is missed, so the difference of two readings
     * is a lower bound. Empty when /proc cannot be read.
     */
    static Map<String, long[]> threadGroups(long pid) {
        Map<String, long[]> out = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    String group = name.replaceAll("[0-9]+", "#").replaceAll("[-_]?#?$", "");
                    long[] sum = out.computeIfAbsent(group, g -> new long[3]);
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sum[0] += Long.parseLong(
                                    line.substring(line.indexOf(':') + 1).trim());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum[1] += Long.parseLong(
                                    line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum[2] += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    /** {@code after - before}, group by group (a group new in {@code after} counts from zero). */
    static Map<String, long[]> difference(Map<String, long[]> after, Map<String, long[]> before) {
        Map<String, long[]> out = new TreeMap<>();
        after.forEach((group, a) -> {
            long[] b = before.getOrDefault(group, new long[a.length]);
            long[] d = new long[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i] - b[i];
            }
            out.put(group, d);
        });
        return out;
    }

    /** A process's resident set, in KB; -1 when it cannot be read. */
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

    /** This JVM's CPU time so far, every thread, in nanoseconds. */
    static long ownCpuNanos() {
        return OS.getProcessCpuTime();
    }

    /**
     * CPU time so far of this JVM's threads that serve the in-JVM upstream: its handler pool ({@link
     * Upstream#THREAD_PREFIX}) and the JDK server's dispatcher. A thread that ended in between is missed (the pool
     * without token pauses keeps its threads).
     */
    static long upstreamCpuNanos() {
        long total = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null
                    && (info.getThreadName().startsWith(Upstream.THREAD_PREFIX)
                            || info.getThreadName().startsWith("HTTP-Dispatcher"))) {
                total += Math.max(0, THREADS.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    /** The most file descriptors this process may open; {@code fallback} when the platform does not say. */
    static long maxFileDescriptors(long fallback) {
        return OS instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : fallback;
    }
}
