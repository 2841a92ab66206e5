package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.SearchResult;
import dev.caracal.vector.VectorRecord;
import dev.caracal.vector.index.VectorIndexFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A store with the test index plugin at hand and one cosine collection of {@value #DIM}-d random records, loaded
 * batch by batch, whose every search is checked against brute force over what was loaded, whoever served it.
 */
abstract class IndexTestSupport extends StoreTestSupport {
    static final int DIM = 12;
    final TestIndexFactory factory = new TestIndexFactory();
    final List<VectorRecord> records = new ArrayList<>();
    final String collection;
    final Random random;
    int nextId;

    IndexTestSupport(String collection, long seed) {
        this.collection = collection;
        this.random = new Random(seed);
    }

    void bind(VectorIndexFactory f) {
        store.bindIndexFactory(f, Map.of(VectorIndexFactory.TYPE_PROPERTY, f.type()));
    }

    /** Upserts {@code n} more random records (ids {@code r<n>}) into the collection. */
    void load(int n) {
        List<VectorRecord> batch = randomRecords(random, "r", nextId, n, DIM);
        nextId += n;
        records.addAll(batch);
        store.upsert(collection, batch);
    }

    /** Searches a random vector and checks the answer against brute force, whoever served it. */
    SearchResult searchChecked() {
        float[] q = randomVector(random, DIM);
        SearchResult r = store.search(collection, SearchRequest.ofVector(q, 10, null));
        assertEquals(
                SearchTest.bruteForce(records, q, Metric.COSINE, 10),
                r.hits().stream().map(SearchHit::id).toList());
        return r;
    }
}
