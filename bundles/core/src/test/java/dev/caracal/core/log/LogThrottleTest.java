package dev.caracal.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final LogThrottle throttle = new LogThrottle(
            (format, args) -> lines.add(format.replace("{}", "%s").formatted(args)),
            3,
            Duration.ofSeconds(10),
            now::get);

    @Test
    void aWindowLetsItsLinesThroughThenCountsTheRest() {
        for (int i = 1; i <= 7; i++) {
            throttle.log("failed {}", i);
        }
        assertEquals(List.of("failed 1", "failed 2", "failed 3"), lines);
        assertEquals(4, throttle.dropped());
    }

    @Test
    void theNextWindowSaysHowManyWereLeftOutBeforeItsFirstLine() {
        for (int i = 1; i <= 5; i++) {
            throttle.log("failed {}", i);
        }
        now.addAndGet(Duration.ofSeconds(12).toNanos());
        throttle.log("failed {}", 6);
        assertEquals(
                List.of(
                        "failed 1",
                        "failed 2",
                        "failed 3",
                        "... 2 more like lines were not logged in the 12 s before this one (at most 3 per 10 s)",
                        "failed 6"),
                lines);
        assertEquals(0, throttle.dropped());
    }

    @Test
    void aQuietWindowAddsNoSummary() {
        throttle.log("one");
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        throttle.log("two");
        assertEquals(List.of("one", "two"), lines);
    }

    @Test
    void aThrottleThatLetsNothingThroughIsRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new LogThrottle((f, a) -> {}, 0, Duration.ofSeconds(1), now::get));
        assertThrows(IllegalArgumentException.class, () -> new LogThrottle((f, a) -> {}, 1, Duration.ZERO, now::get));
    }
}
