package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.core.health.HealthCheck;
import dev.caracal.core.health.HealthStatus;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.StorageFailureException.Reason;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.VectorStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk failure in one tenant's folder: its collections are served for reading only and its creates refused, while
 * the other tenants' collections take writes; the probe reopens its collections for writing once the folder takes
 * writes again.
 */
class TenantStorageFaultTest {
    @TempDir
    Path dataDir;

    VectorStoreComponent store;

    /** The real disk, but the folder of one tenant is read-only while {@link #readOnly} is set. */
    final class ReadOnlyTenant implements FileLayer {
        volatile boolean readOnly;
        final Path folder;

        ReadOnlyTenant(String tenant) {
            folder = dataDir.resolve(CollectionLayout.COLLECTIONS_DIR).resolve(tenant);
        }

        private void check(Path path) throws IOException {
            if (readOnly && path.toAbsolutePath().startsWith(folder.toAbsolutePath())) {
                throw new FileSystemException(path.toString(), null, "Read-only file system");
            }
        }

        @Override
        public String storeFileName(Path file) {
            return FileLayer.DISK.storeFileName(file);
        }

        @Override
        public FileChannel openVectorFile(Path file, boolean writable) throws IOException {
            if (writable) {
                check(file);
            }
            return FileLayer.DISK.openVectorFile(file, writable);
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            check(from);
            check(to);
            FileLayer.DISK.rename(from, to);
        }

        @Override
        public void probeWritable(Path directory) throws IOException {
            check(directory);
            FileLayer.DISK.probeWritable(directory);
        }
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.stop();
        }
    }

    StoreSettings settings() {
        return new StoreSettings(dataDir, 2, 10_000, 10_000, 512, 4, 1);
    }

    static VectorRecord rec(String id, float x) {
        return new VectorRecord(id, new float[] {x, 1}, Map.of(), null, List.of());
    }

    static CollectionSpec spec(String name) {
        return new CollectionSpec(name, 2, Metric.L2, null, IndexSpec.FLAT_SPEC);
    }

    @Test
    void aReadOnlyTenantFolderIsServedForReadingWhileOtherTenantsWrite() {
        ReadOnlyTenant layer = new ReadOnlyTenant("b");
        store = VectorStoreComponent.standalone(settings(), layer);
        for (String tenant : List.of("a", "b")) {
            store.forTenant(tenant).createCollection(spec("docs"));
            store.forTenant(tenant).upsert("docs", List.of(rec(tenant + "1", 1)));
        }
        store.stop();
        layer.readOnly = true;
        store = VectorStoreComponent.standalone(settings(), layer);
        VectorStore a = store.forTenant("a");
        VectorStore b = store.forTenant("b");

        a.upsert("docs", List.of(rec("a2", 2)));
        assertEquals(2, a.count("docs"));
        assertTrue(b.get("docs", "b1").isPresent(), "b's records are read");
        StorageFailureException write =
                assertThrows(StorageFailureException.class, () -> b.upsert("docs", List.of(rec("b2", 2))));
        assertEquals(Reason.READ_ONLY, write.reason());
        StorageFailureException create =
                assertThrows(StorageFailureException.class, () -> b.createCollection(spec("more")));
        assertEquals(Reason.READ_ONLY, create.reason());
        assertTrue(create.getMessage().contains("creating collection 'more' was refused"), create.getMessage());
        a.createCollection(spec("more"));

        HealthCheck.Result health = store.check();
        assertEquals(HealthStatus.DEGRADED, health.status());
        assertTrue(health.message().startsWith("b/docs: cannot be written"), health.message());
        assertEquals(false, ((Map<?, ?>) health.details().get("b/docs")).get("writable"));
        assertEquals(true, ((Map<?, ?>) health.details().get("a/docs")).get("writable"));
        assertTrue(store.readiness(), "the store takes writes: a's collections do");

        layer.readOnly = false;
        store.probeStorage();
        assertNotNull(store.collection("b", "docs"));
        assertEquals(HealthStatus.UP, store.check().status(), store.check().message());
        b.upsert("docs", List.of(rec("b2", 2)));
        b.createCollection(spec("more"));
        assertEquals(2, b.count("docs"));
    }
}
