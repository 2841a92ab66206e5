package dev.caracal.benchmarks.gateway;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Bytes allocated on the heap by another JVM's threads, from its own counters ({@link
 * ThreadMXBean#getThreadAllocatedBytes(long[])}), read over JMX after attaching to it by process id (same user, no
 * flags needed on the target). A delta covers the threads alive at its end: one started in between counts from zero,
 * one that ended in between is missed, so a delta is a lower bound. Also the process's CPU time, for CPU per request.
 */
final class RemoteAllocation implements AutoCloseable {
    private final JMXConnector connector;
    private final ThreadMXBean threads;
    private final OperatingSystemMXBean os;

    private RemoteAllocation(JMXConnector connector, ThreadMXBean threads, OperatingSystemMXBean os) {
        this.connector = connector;
        this.threads = threads;
        this.os = os;
    }

    static RemoteAllocation attach(long pid) throws IOException {
        String address;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to process " + pid + ": " + e.getMessage(), e);
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                connector.getMBeanServerConnection(), ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            connector.close();
            throw new IOException("process " + pid + " does not count allocated bytes per thread");
        }
        OperatingSystemMXBean os = ManagementFactory.newPlatformMXBeanProxy(
                connector.getMBeanServerConnection(),
                ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
                OperatingSystemMXBean.class);
        return new RemoteAllocation(connector, threads, os);
    }

    /** Allocated bytes so far, by thread id. */
    Map<Long, Long> snapshot() {
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        Map<Long, Long> out = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                out.put(ids[i], bytes[i]);
            }
        }
        return out;
    }

    /** Bytes allocated since {@code before} by the threads alive now. */
    long since(Map<Long, Long> before) {
        long total = 0;
        for (Map.Entry<Long, Long> e : snapshot().entrySet()) {
            total += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return total;
    }

    /** CPU time the whole process has used so far (every thread, user and system), in nanoseconds. */
    long cpuNanos() {
        return os.getProcessCpuTime();
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
