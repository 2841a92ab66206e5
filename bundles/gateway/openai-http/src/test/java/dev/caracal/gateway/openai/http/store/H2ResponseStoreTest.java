package dev.caracal.gateway.openai.http.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored responses in a real H2 file: per tenant, durable across a reopen, purged by age, bounded in size. */
class H2ResponseStoreTest {
    @TempDir
    Path dir;

    static StoredResponse response(String tenant, String id, long createdAt) {
        return new StoredResponse(tenant, id, createdAt, "{\"id\":\"" + id + "\"}", "[{\"type\":\"message\"}]");
    }

    @Test
    void aResponseIsFoundOnlyInItsTenant() {
        try (H2ResponseStore store = H2ResponseStore.open(dir, 1000)) {
            store.save(response("acme", "resp_1", 100));
            assertEquals(Optional.of(response("acme", "resp_1", 100)), store.find("acme", "resp_1"));
            assertEquals(Optional.empty(), store.find("globex", "resp_1"));
            assertFalse(store.delete("globex", "resp_1"), "another tenant cannot delete it");
            assertEquals(1, store.count("acme"));
            assertEquals(0, store.count("globex"));
            // the same id in another tenant is another response
            store.save(response("globex", "resp_1", 200));
            assertEquals(100, store.find("acme", "resp_1").orElseThrow().createdAt());
            assertTrue(store.delete("acme", "resp_1"));
            assertEquals(Optional.empty(), store.find("acme", "resp_1"));
            assertEquals(200, store.find("globex", "resp_1").orElseThrow().createdAt());
        }
    }

    @Test
    void deletingATenantsResponsesLeavesTheOthers() {
        try (H2ResponseStore store = H2ResponseStore.open(dir, 1000)) {
            store.save(response("acme", "resp_1", 1));
            store.save(response("acme", "resp_2", 2));
            store.save(response("globex", "resp_3", 3));
            assertEquals(2, store.deleteAll("acme"));
            assertEquals(0, store.count("acme"));
            assertEquals(1, store.count("globex"));
        }
    }

    @Test
    void storedResponsesSurviveAReopen() {
        try (H2ResponseStore store = H2ResponseStore.open(dir, 1000)) {
            store.save(response("acme", "resp_1", 100));
        }
        assertTrue(Files.exists(dir.resolve("responses.mv.db")));
        try (H2ResponseStore store = H2ResponseStore.open(dir, 1000)) {
            assertEquals(Optional.of(response("acme", "resp_1", 100)), store.find("acme", "resp_1"));
        }
    }

    @Test
    void thePurgeDeletesWhatWasCreatedBeforeTheCutOnly() {
        try (H2ResponseStore store = H2ResponseStore.open(dir, 1000)) {
            store.save(response("acme", "resp_old", 99));
            store.save(response("globex", "resp_older", 10));
            store.save(response("acme", "resp_new", 100));
            assertEquals(2, store.purgeCreatedBefore(100));
            assertEquals(Optional.empty(), store.find("acme", "resp_old"));
            assertEquals(Optional.empty(), store.find("globex", "resp_older"));
            assertTrue(store.find("acme", "resp_new").isPresent());
        }
    }

    @Test
    void aResponseLargerThanTheLimitIsRefusedAndNothingIsStored() {
        try (H2ResponseStore store = H2ResponseStore.open(dir, 40)) {
            StoredResponse big = new StoredResponse("acme", "resp_1", 1, "{\"text\":\"" + "x".repeat(40) + "\"}", "[]");
            ResponseStoreException e = assertThrows(ResponseStoreException.class, () -> store.save(big));
            assertTrue(e.tooLarge());
            assertEquals(0, store.count("acme"));
        }
    }

    @Test
    void aDatabaseOfANewerSchemaIsRefused() throws Exception {
        try (H2ResponseStore store = H2ResponseStore.open(dir, 1000)) {
            store.save(response("acme", "resp_1", 1));
        }
        String url = "jdbc:h2:file:" + dir.resolve("responses").toAbsolutePath();
        try (var c = new org.h2.Driver().connect(url, new java.util.Properties());
                var s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, CURRENT_TIMESTAMP)");
        }
        ResponseStoreException e = assertThrows(ResponseStoreException.class, () -> H2ResponseStore.open(dir, 1000));
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
    }
}
