package dev.caracal.gateway.openai.http.internal;

import dev.caracal.gateway.openai.http.store.ResponseStore;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How long stored responses are kept: {@link #purge()} deletes those created longer than {@code keep} ago. */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final ResponseStore store;
    private final Duration keep;
    private final Clock clock;

    Retention(ResponseStore store, Duration keep, Clock clock) {
        this.store = store;
        this.keep = keep;
        this.clock = clock;
    }

    Duration keep() {
        return keep;
    }

    /** Deletes the responses older than the retention; a failure is logged and the next purge tries again. */
    long purge() {
        try {
            long deleted = store.purgeCreatedBefore(clock.instant().minus(keep).getEpochSecond());
            if (deleted > 0) {
                LOG.info("Deleted {} stored responses older than {} days", deleted, keep.toDays());
            }
            return deleted;
        } catch (RuntimeException e) {
            LOG.warn("Purging the stored responses failed; the next purge tries again", e);
            return 0;
        }
    }
}
