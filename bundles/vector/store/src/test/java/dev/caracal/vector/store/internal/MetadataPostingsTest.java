package dev.caracal.vector.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Filter;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.IndexStatus;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
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
        assertArrayEquals(
                new int[] {0},
                p.candidates(new Filter.And(List.of(new Filter.Eq("lang", "en"), new Filter.Eq("year", 1999)))));
        // numeric ranges through the ordered values; and narrows by every part
        assertArrayEquals(
                new int[] {0},
                p.candidates(new Filter.And(
                        List.of(new Filter.Eq("lang", "en"), new Filter.Range("year", 1990, null, null, null)))));
        assertArrayEquals(new int[] {0, 1}, p.candidates(new Filter.Range("year", 1990, null, null, null)));
        assertArrayEquals(new int[] {0, 1}, p.candidates(new Filter.Range("year", null, 1999, null, 1999)));
        assertArrayEquals(new int[0], p.candidates(new Filter.Range("year", 1999.5, null, null, null)));
        assertArrayEquals(new int[0], p.candidates(new Filter.Range("missing", 1, null, null, null)));
        assertArrayEquals(
                new int[] {0, 1, 3},
                p.candidates(new Filter.Or(List.of(new Filter.Eq("year", 1999), new Filter.Eq("flag", true)))));
        assertArrayEquals(new int[0], p.candidates(new Filter.Eq("missing", "x")));
        assertNull(p.candidates(new Filter.Range("lang", "a", null, null, null))); // string ranges scan
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
            all.add(new VectorRecord(
                    "r" + i, randomVector(random, 8), Map.of("g", i % 100, "h", "h" + (i % 7)), null, List.of()));
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
                        .map(SearchHit::id)
                        .toList();
                List<String> expected = all.stream()
                        .filter(r -> !r.id().equals("r100") && !r.id().equals("r200"))
                        .filter(r -> ((Integer) r.metadata().get("g")) == group
                                && List.of("h1", "h2").contains(r.metadata().get("h")))
                        .sorted(Comparator.comparingDouble(r -> -SearchTest.reference(query, r.vector(), Metric.L2)))
                        .limit(10)
                        .map(VectorRecord::id)
                        .toList();
                assertEquals(expected, got);
            }
            restart(); // postings are rebuilt from the records on load
        }
    }

    @Test
    void numericRangesCollectOrderedValuesListsAndPrecisionEdges() {
        MetadataPostings p = new MetadataPostings();
        long big = (1L << 53) + 1; // not a double: it and its neighbour share a key
        p.add(0, Map.of("n", 5, "l", List.of(1, 9)));
        p.add(1, Map.of("n", 5.5, "l", List.of(2, 3, 4)));
        p.add(2, Map.of("n", -3, "big", big));
        p.add(3, Map.of("n", 10L, "big", big - 1, "s", "x"));
        assertArrayEquals(new int[] {0, 1, 3}, p.candidates(new Filter.Range("n", null, 5, null, 10)));
        // exclusive bounds are widened to inclusive ones; the filter itself drops the edges
        assertArrayEquals(new int[] {0, 1, 3}, p.candidates(new Filter.Range("n", 5, null, 10, null)));
        assertArrayEquals(new int[] {2}, p.candidates(new Filter.Range("n", null, null, 0, null)));
        // a record listing several numbers in range appears once
        assertArrayEquals(new int[] {0, 1}, p.candidates(new Filter.Range("l", null, 1, null, 9)));
        // a bound beyond double precision still finds both values that round like it
        assertArrayEquals(new int[] {2, 3}, p.candidates(new Filter.Range("big", null, big, null, null)));
        assertArrayEquals(new int[0], p.candidates(new Filter.Range("n", null, 11, null, 20)));
        assertArrayEquals(new int[0], p.candidates(new Filter.Range("n", null, 20, null, 11)));
        assertArrayEquals(new int[0], p.candidates(new Filter.Range("s", null, 1, null, null))); // no numbers there
        assertArrayEquals(
                new int[] {0, 1, 3},
                p.candidates(
                        new Filter.Or(List.of(new Filter.Range("n", null, 5, null, null), new Filter.Eq("s", "x")))));
    }

    @Test
    void rangeFiltersMatchBruteForceOnFlatAndIndexedCollectionsAfterDeletesAndRestarts() {
        TestIndexFactory factory = new TestIndexFactory();
        bindAll(factory);
        create("flat", 8, Metric.L2);
        store.createCollection(
                new CollectionSpec("indexed", 8, Metric.L2, null, new IndexSpec(TestIndexFactory.TYPE, Map.of())));
        Random random = new Random(11);
        List<VectorRecord> all = randomRecords(
                random,
                0,
                12_000,
                8,
                (i, v) -> new VectorRecord(
                        "r" + i,
                        v,
                        Map.of("n", i % 1000, "x", (i % 997) / 10.0, "l", List.of(i % 50, 100 + i % 7)),
                        null,
                        List.of()));
        for (String c : List.of("flat", "indexed")) {
            store.upsert(c, all.subList(0, 6_000));
            store.upsert(c, all.subList(6_000, 12_000));
            store.delete(c, List.of("r5", "r105", "r1105"));
        }
        await(() -> indexStatus("indexed") == IndexStatus.READY, "the index READY");
        // selectivity from 0.1% (scored from the candidates) through 10% (bit test in the index) to 70%
        List<Filter> filters = List.of(
                new Filter.Range("n", null, 5, 6, null),
                new Filter.Range("n", 100, null, null, 199),
                new Filter.Range("x", null, 10.0, null, 19.95),
                new Filter.Range("l", null, 49, 101, null),
                new Filter.Range("n", null, null, null, 699),
                new Filter.And(List.of(new Filter.Range("n", null, 0, null, 499), new Filter.Eq("l", 3))));
        List<Predicate<Map<String, Object>>> matches = List.of(
                m -> (int) m.get("n") == 5,
                m -> (int) m.get("n") > 100 && (int) m.get("n") <= 199,
                m -> (double) m.get("x") >= 10.0 && (double) m.get("x") <= 19.95,
                m -> ((List<?>) m.get("l")).stream().anyMatch(v -> (int) v >= 49 && (int) v < 101),
                m -> (int) m.get("n") <= 699,
                m -> (int) m.get("n") <= 499 && ((List<?>) m.get("l")).contains(3));
        for (int round = 0; round < 2; round++) {
            for (int f = 0; f < filters.size(); f++) {
                float[] query = randomVector(random, 8);
                Predicate<Map<String, Object>> match = matches.get(f);
                List<String> expected = all.stream()
                        .filter(r -> !List.of("r5", "r105", "r1105").contains(r.id()) && match.test(r.metadata()))
                        .sorted(Comparator.comparingDouble(r -> -SearchTest.reference(query, r.vector(), Metric.L2)))
                        .limit(10)
                        .map(VectorRecord::id)
                        .toList();
                for (String c : List.of("flat", "indexed")) {
                    List<String> got =
                            store.search(c, SearchRequest.ofVector(query, 10, filters.get(f))).hits().stream()
                                    .map(SearchHit::id)
                                    .toList();
                    assertEquals(expected, got, c + " " + filters.get(f));
                }
            }
            restart(factory); // postings, ordered values included, are rebuilt from the records on load
            await(() -> indexStatus("indexed") == IndexStatus.READY, "READY after restart");
        }
    }
}
