package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.caracal.vector.Filter;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Candidate lists from metadata postings: a superset of the matches, with the filter semantics of the scan. */
class MetadataPostingsTest extends StoreTestSupport {

    @Test
    void eqInAndOrOverNestedFieldsListsAndNumbers() {
        MetadataPostings p = new MetadataPostings();
        p.add(0, Map.of("lang", "en", "year", 1999, "tags", List.of("a", "b")));
        p.add(1, Map.of("lang", "fr", "year", 1999.0, "author", Map.of("name", "Ada")));
        p.add(2, Map.of("lang", "en", "items", List.of(Map.of("sku", "x1"), Map.of("sku", "x2"))));
        p.add(3, Map.of("lang", "de", "flag", true));
        assertArrayEquals(new int[] {0, 2}, p.candidates(new Filter.Eq("lang", "en")));
        assertArrayEquals(new int[] {0, 1}, p.candidates(new Filter.Eq("year", 1999L)));
        assertArrayEquals(new int[] {0}, p.candidates(new Filter.Eq("tags", "b")));
        assertArrayEquals(new int[] {1}, p.candidates(new Filter.Eq("author.name", "Ada")));
        assertArrayEquals(new int[] {2}, p.candidates(new Filter.Eq("items.sku", "x2")));
        assertArrayEquals(new int[] {3}, p.candidates(new Filter.Eq("flag", true)));
        assertArrayEquals(new int[] {1, 3}, p.candidates(new Filter.In("lang", List.of("fr", "de"))));
        assertArrayEquals(new int[] {0}, p.candidates(new Filter.And(List.of(new Filter.Eq("lang", "en"),
                new Filter.Eq("year", 1999)))));
        // and with a range: narrowed by its indexable part only
        assertArrayEquals(new int[] {0, 2}, p.candidates(new Filter.And(List.of(new Filter.Eq("lang", "en"),
                new Filter.Range("year", 1990, null, null, null)))));
        assertArrayEquals(new int[] {0, 1, 3}, p.candidates(new Filter.Or(List.of(new Filter.Eq("year", 1999),
                new Filter.Eq("flag", true)))));
        assertArrayEquals(new int[0], p.candidates(new Filter.Eq("missing", "x")));
        assertNull(p.candidates(new Filter.Range("year", 1990, null, null, null)));
        assertNull(p.candidates(new Filter.Or(List.of(new Filter.Eq("lang", "en"), new Filter.Exists("flag")))));
        assertNull(p.candidates(new Filter.Not(new Filter.Eq("lang", "en"))));
        assertNull(p.candidates(new Filter.Eq("lang", null)));
    }

    @Test
    void aFieldWithTooManyValuesIsNotIndexed() {
        MetadataPostings p = new MetadataPostings();
        for (int i = 0; i <= MetadataPostings.MAX_VALUES_PER_FIELD; i++) {
            p.add(i, Map.of("id", "v" + i, "group", i % 3));
        }
        assertNull(p.candidates(new Filter.Eq("id", "v7")));
        assertEquals((MetadataPostings.MAX_VALUES_PER_FIELD + 3) / 3, p.candidates(new Filter.Eq("group", 0)).length);
    }

    @Test
    void selectiveFiltersThroughPostingsMatchBruteForceAfterDeletesAndRestarts() {
        create("p", 8, Metric.L2);
        Random random = new Random(9);
        List<VectorRecord> all = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            all.add(new VectorRecord("r" + i, randomVector(random, 8), Map.of("g", i % 100, "h", "h" + (i % 7)),
                    null, List.of()));
        }
        store.upsert("p", all.subList(0, 10_000));
        store.upsert("p", all.subList(10_000, 20_000));
        store.delete("p", List.of("r100", "r200"));
        for (int round = 0; round < 2; round++) {
            for (int q = 0; q < 10; q++) {
                float[] query = randomVector(random, 8);
                int group = q;
                Filter f = new Filter.And(List.of(new Filter.Eq("g", group), new Filter.In("h", List.of("h1", "h2"))));
                List<String> got = store.search("p", SearchRequest.ofVector(query, 10, f)).hits().stream()
                        .map(SearchHit::id).toList();
                List<String> expected = all.stream()
                        .filter(r -> !r.id().equals("r100") && !r.id().equals("r200"))
                        .filter(r -> ((Integer) r.metadata().get("g")) == group
                                && List.of("h1", "h2").contains(r.metadata().get("h")))
                        .sorted(Comparator.comparingDouble(r -> -SearchTest.reference(query, r.vector(), Metric.L2)))
                        .limit(10).map(VectorRecord::id).toList();
                assertEquals(expected, got);
            }
            restart(); // postings are rebuilt from the records on load
        }
    }
}
