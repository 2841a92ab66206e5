package dev.caracal.benchmarks.gateway;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

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
