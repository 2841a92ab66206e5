package dev.caracal.vector.store.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the test index plugins' factories share: their type, and what tests observe of them (how many indexes they
 * opened, and the last one).
 */
abstract class TestPluginFactory<I> {
    final AtomicInteger opened = new AtomicInteger();
    private final String type;
    volatile I last;

    TestPluginFactory(String type) {
        this.type = type;
    }

    public String type() {
        return type;
    }

    /** Counts {@code index} as opened and the last one; returns it. */
    I track(I index) {
        opened.incrementAndGet();
        last = index;
        return index;
    }
}
