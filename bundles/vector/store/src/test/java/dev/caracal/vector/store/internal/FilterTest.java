package dev.caracal.vector.store.internal;

import static dev.caracal.vector.store.internal.CollectionsAndRecordsTest.assertField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.Filter;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchHit;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FilterTest extends StoreTestSupport {

    /** Metadata as the store holds it: serialized and parsed back. */
    static Map<String, Object> meta(Map<String, Object> m) {
        return JsonCodec.readObject(JsonCodec.writeObject(m, "metadata"));
    }

    static final Map<String, Object> DOC = meta(Map.of(
            "genre",
            "jazz",
            "year",
            1959,
            "rating",
            4.5,
            "live",
            true,
            "tags",
            List.of("modal", "cool", 7),
            "author",
            Map.of("name", "Miles", "born", 1926, "address", Map.of("city", "Alton")),
            "tracks",
            List.of(Map.of("title", "So What", "len", 562), Map.of("title", "Blue in Green", "len", 337)),
            "date",
            "1959-08-17"));

    static boolean matches(Filter f) {
        return MetadataFilter.compile(f).test(DOC);
    }

    @Test
    void eq() {
        assertTrue(matches(new Filter.Eq("genre", "jazz")));
        assertFalse(matches(new Filter.Eq("genre", "rock")));
        assertTrue(matches(new Filter.Eq("year", 1959L)));
        assertTrue(matches(new Filter.Eq("year", 1959.0)), "numbers compare by value");
        assertTrue(matches(new Filter.Eq("rating", 4.5f)));
        assertTrue(matches(new Filter.Eq("rating", new BigDecimal("4.50"))));
        assertFalse(matches(new Filter.Eq("year", "1959")), "a string is not a number");
        assertTrue(matches(new Filter.Eq("live", true)));
        assertFalse(matches(new Filter.Eq("live", false)));
        assertFalse(matches(new Filter.Eq("missing", "x")));
        assertTrue(matches(new Filter.Eq("missing", null)), "eq null matches an absent field");
        assertFalse(matches(new Filter.Eq("genre", null)));
    }

    @Test
    void listsMatchWhenAnyElementMatches() {
        assertTrue(matches(new Filter.Eq("tags", "cool")));
        assertTrue(matches(new Filter.Eq("tags", 7)));
        assertFalse(matches(new Filter.Eq("tags", "hot")));
        assertTrue(matches(new Filter.In("tags", List.of("hot", "modal"))));
        assertTrue(matches(new Filter.Range("tags", 5, null, 8, null)));
        // lists of objects on the way
        assertTrue(matches(new Filter.Eq("tracks.title", "Blue in Green")));
        assertTrue(matches(new Filter.Range("tracks.len", null, null, 400, null)));
        assertFalse(matches(new Filter.Range("tracks.len", 600, null, null, null)));
    }

    @Test
    void nestedPaths() {
        assertTrue(matches(new Filter.Eq("author.name", "Miles")));
        assertTrue(matches(new Filter.Eq("author.address.city", "Alton")));
        assertFalse(matches(new Filter.Eq("author.address.city.x", "Alton")));
        assertFalse(matches(new Filter.Eq("author.nope", "Miles")));
        assertTrue(matches(new Filter.Exists("author.address")));
        assertFalse(matches(new Filter.Exists("genre.sub")));
    }

    @Test
    void in() {
        assertTrue(matches(new Filter.In("genre", List.of("rock", "jazz"))));
        assertFalse(matches(new Filter.In("genre", List.of("rock", "pop"))));
        assertTrue(matches(new Filter.In("year", List.of(1958, 1959.0))));
    }

    @Test
    void range() {
        assertTrue(matches(new Filter.Range("year", 1950, null, 1960, null)));
        assertTrue(matches(new Filter.Range("year", null, 1959, null, 1959)));
        assertFalse(matches(new Filter.Range("year", 1959, null, null, null)), "gt is exclusive");
        assertFalse(matches(new Filter.Range("year", null, null, 1959, null)), "lt is exclusive");
        assertTrue(matches(new Filter.Range("rating", 4.4, null, 4.6, null)));
        assertTrue(
                matches(new Filter.Range("date", null, "1959-01-01", "1960-01-01", null)),
                "strings compare lexicographically");
        assertFalse(matches(new Filter.Range("date", "1960", null, null, null)));
        assertFalse(matches(new Filter.Range("genre", 1, null, null, null)), "a string is not in a numeric range");
        assertFalse(matches(new Filter.Range("year", "a", null, null, null)), "a number is not in a string range");
        assertFalse(matches(new Filter.Range("missing", 0, null, null, null)));
    }

    @Test
    void exists() {
        assertTrue(matches(new Filter.Exists("genre")));
        assertTrue(matches(new Filter.Exists("tags")));
        assertFalse(matches(new Filter.Exists("missing")));
        Map<String, Object> withNull = JsonCodec.readObject("{\"a\":null}".getBytes(StandardCharsets.UTF_8));
        assertFalse(MetadataFilter.compile(new Filter.Exists("a")).test(withNull), "present but null");
    }

    @Test
    void booleanCombinators() {
        Filter jazz = new Filter.Eq("genre", "jazz");
        Filter rock = new Filter.Eq("genre", "rock");
        assertTrue(matches(new Filter.And(List.of(jazz, new Filter.Exists("year")))));
        assertFalse(matches(new Filter.And(List.of(jazz, rock))));
        assertTrue(matches(new Filter.Or(List.of(rock, jazz))));
        assertFalse(matches(new Filter.Or(List.of(rock, new Filter.Eq("live", false)))));
        assertTrue(matches(new Filter.Not(rock)));
        assertFalse(matches(new Filter.Not(jazz)));
        assertTrue(matches(new Filter.Not(new Filter.And(List.of(jazz, rock)))));
    }

    @Test
    void invalidFiltersNameTheField() {
        create("f", 2, Metric.DOT);
        float[] q = {1, 0};
        assertField("filter", () -> search(q, new Filter.Range("year", null, null, null, null)));
        assertField("filter", () -> search(q, new Filter.Range("year", 1, null, "z", null)));
        assertField("filter.gt", () -> search(q, new Filter.Range("year", true, null, null, null)));
        assertField("filter.gt", () -> search(q, new Filter.Range("year", 1, 2, null, null)));
        assertField("filter.gt", () -> search(q, new Filter.Range("year", Double.NaN, null, null, null)));
        assertField("filter.and", () -> search(q, new Filter.And(List.of())));
        assertField("filter.or", () -> search(q, new Filter.Or(List.of())));
        assertField(
                "filter.not.or[1].values",
                () -> search(
                        q,
                        new Filter.Not(new Filter.Or(List.of(new Filter.Exists("a"), new Filter.In("b", List.of()))))));
        assertField("filter.and[0].field", () -> search(q, new Filter.And(List.of(new Filter.Exists("")))));
        assertField("filter.field", () -> search(q, new Filter.Eq("a..b", 1)));
        assertField("filter.value", () -> search(q, new Filter.Eq("a", List.of(1))));
        assertField("filter.values[1]", () -> search(q, new Filter.In("a", List.of(1, List.of()))));
        assertField(
                "filter.and[1].not.gte",
                () -> search(
                        q,
                        new Filter.And(List.of(
                                new Filter.Exists("a"),
                                new Filter.Not(new Filter.Range("a", null, Map.of(), null, null))))));
    }

    private void search(float[] q, Filter f) {
        store.search("f", SearchRequest.ofVector(q, 1, f));
    }

    @Test
    void filtersApplyDuringSearchSoKResultsComeBackWhenKMatch() {
        int dim = 8;
        create("sel", dim, Metric.COSINE);
        Random random = new Random(9);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            Map<String, Object> m = i % 1000 == 7 ? Map.of("rare", true, "i", i) : Map.of("i", i);
            records.add(new VectorRecord("r" + i, randomVector(random, dim), m, null, null));
        }
        for (int from = 0; from < records.size(); from += 10_000) {
            store.upsert("sel", records.subList(from, from + 10_000));
        }
        // 30 records match; a post-filter of the top 10 would almost surely return none
        List<SearchHit> hits = store.search(
                        "sel", SearchRequest.ofVector(randomVector(random, dim), 10, new Filter.Eq("rare", true)))
                .hits();
        assertEquals(10, hits.size());
        assertTrue(hits.stream().allMatch(h -> Integer.parseInt(h.id().substring(1)) % 1000 == 7));
        hits = store.search("sel", SearchRequest.ofVector(randomVector(random, dim), 100, new Filter.Eq("rare", true)))
                .hits();
        assertEquals(30, hits.size(), "every match when fewer than k match");
        // the filtered ranking is the brute-force ranking of the matching subset
        float[] q = randomVector(random, dim);
        Filter f = new Filter.And(List.of(
                new Filter.Range("i", 100, null, null, 20_000), new Filter.Not(new Filter.In("i", List.of(150, 151)))));
        List<VectorRecord> subset = records.stream()
                .filter(r -> {
                    int i = Integer.parseInt(r.id().substring(1));
                    return i > 100 && i <= 20_000 && i != 150 && i != 151;
                })
                .toList();
        List<String> expected = SearchTest.bruteForce(subset, q, Metric.COSINE, 25);
        assertEquals(
                expected,
                store.search("sel", SearchRequest.ofVector(q, 25, f)).hits().stream()
                        .map(SearchHit::id)
                        .toList());
    }
}
