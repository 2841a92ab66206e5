package dev.caracal.itests;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * Client threads that call again and again until the load is closed, as users would while a bundle leaves and
 * returns. A call that throws (an exception or a failed assertion) is recorded as a failure and the thread goes on.
 */
final class Load implements AutoCloseable {

    /** One call of one client thread; throws when the call failed. */
    interface Call {
        void run() throws Exception;
    }

    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    private Load() {}

    /** Starts {@code threads} client threads; thread {@code t} repeats the call {@code client.apply(t)} gives. */
    static Load start(int threads, IntFunction<Call> client) {
        Load load = new Load();
        for (int t = 0; t < threads; t++) {
            Call call = client.apply(t);
            Thread thread = new Thread(() -> {
                while (!load.stop.get()) {
                    try {
                        call.run();
                    } catch (Exception | AssertionError e) {
                        load.failures.add(e.toString());
                    }
                }
            });
            thread.start();
            load.threads.add(thread);
        }
        return load;
    }

    /** What failed so far, one entry a failed call. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops the clients and waits until each has finished its call in flight. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
