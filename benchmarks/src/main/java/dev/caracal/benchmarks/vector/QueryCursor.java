package dev.caracal.benchmarks.vector;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/** JMH per-thread state: each query thread walks the queries round-robin from its own offset. */
@State(Scope.Thread)
public class QueryCursor {
    private int next;

    @Setup
    public void start(ThreadParams thread) {
        next = thread.getThreadIndex() * 7;
    }

    float[] next(float[][] queries) {
        next = (next + 1) % queries.length;
        return queries[next];
    }
}
