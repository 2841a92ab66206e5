package dev.caracal.gateway.openai.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.gateway.openai.http.store.H2ResponseStore;
import dev.caracal.gateway.openai.http.store.StoredResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retention: a purge deletes what is older than the configured days, at any time it runs. */
class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void aPurgeDeletesTheResponsesOlderThanTheRetention() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        try (H2ResponseStore store = H2ResponseStore.open(dir, 1000)) {
            long day = Duration.ofDays(1).getSeconds();
            store.save(new StoredResponse("acme", "resp_31d", now.getEpochSecond() - 31 * day, "{}", "[]"));
            store.save(new StoredResponse("acme", "resp_29d", now.getEpochSecond() - 29 * day, "{}", "[]"));
            store.save(new StoredResponse("globex", "resp_40d", now.getEpochSecond() - 40 * day, "{}", "[]"));
            Retention retention = new Retention(store, Duration.ofDays(30), Clock.fixed(now, ZoneOffset.UTC));
            assertEquals(2, retention.purge());
            assertTrue(store.find("acme", "resp_29d").isPresent());
            assertEquals(1, store.count("acme") + store.count("globex"));
            // a day later the other one has aged out too
            Retention later = new Retention(
                    store, Duration.ofDays(30), Clock.fixed(now.plus(Duration.ofDays(2)), ZoneOffset.UTC));
            assertEquals(1, later.purge());
            assertEquals(0, store.count("acme"));
        }
    }

    @Test
    void aFailingPurgeIsReportedAsNothingDeleted() {
        H2ResponseStore store = H2ResponseStore.open(dir, 1000);
        store.close();
        assertEquals(0, new Retention(store, Duration.ofDays(30), Clock.systemUTC()).purge());
    }
}
