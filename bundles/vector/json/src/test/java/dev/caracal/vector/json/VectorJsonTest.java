package dev.caracal.vector.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.Filter;
import dev.caracal.vector.Fusion;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.Metric;
import dev.caracal.vector.SearchMode;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorJsonTest {

    static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    static String fieldOf(Runnable r) {
        return assertThrows(InvalidRequestException.class, r::run).field();
    }

    @Test
    void collectionSpecWithDefaultsAndIndexParams() throws Exception {
        CollectionSpec s = VectorJson.readCollectionSpec(
                json("{\"name\":\"a\",\"embedding\":\"m\",\"index\":{\"type\":\"HNSW\",\"m\":16,\"quantize\":true}}"));
        assertEquals(Metric.COSINE, s.metric());
        assertEquals(0, s.dimension());
        assertEquals("hnsw", s.index().type());
        assertEquals(Map.of("m", 16L, "quantize", true), s.index().params());
        assertEquals("dimension", fieldOf(() -> VectorJson.readCollectionSpec(uncheck("{\"name\":\"a\"}"))));
        assertEquals(
                "dimension",
                fieldOf(() -> VectorJson.readCollectionSpec(uncheck("{\"name\":\"a\",\"dimension\":2.5}"))));
        assertEquals(
                "metric",
                fieldOf(() ->
                        VectorJson.readCollectionSpec(uncheck("{\"name\":\"a\",\"dimension\":2,\"metric\":\"cos\"}"))));
        assertEquals(
                "index.type",
                fieldOf(() -> VectorJson.readCollectionSpec(uncheck("{\"name\":\"a\",\"dimension\":2,\"index\":{}}"))));
        assertEquals(
                "index.m",
                fieldOf(() -> VectorJson.readCollectionSpec(
                        uncheck("{\"name\":\"a\",\"dimension\":2,\"index\":{\"type\":\"x\",\"m\":[1]}}"))));
    }

    @Test
    void indexSpecForAnIndexChange() throws Exception {
        IndexSpec i = VectorJson.readIndexSpec(json("{\"type\":\" HNSW \",\"m\":16,\"efConstruction\":200,"
                + "\"ratio\":0.5,\"quantize\":true,\"mode\":\"fast\"}"));
        assertEquals("hnsw", i.type());
        assertEquals(
                Map.of("m", 16L, "efConstruction", 200L, "ratio", 0.5, "quantize", true, "mode", "fast"), i.params());
        assertEquals(IndexSpec.FLAT_SPEC, VectorJson.readIndexSpec(json("{\"type\":\"flat\"}")));
        assertEquals("index.type", fieldOf(() -> VectorJson.readIndexSpec(uncheck("{}"))));
        assertEquals("index.type", fieldOf(() -> VectorJson.readIndexSpec(uncheck("{\"type\":\" \"}"))));
        assertEquals("index.type", fieldOf(() -> VectorJson.readIndexSpec(uncheck("{\"type\":3}"))));
        assertEquals("index.m", fieldOf(() -> VectorJson.readIndexSpec(uncheck("{\"type\":\"hnsw\",\"m\":{}}"))));
        assertEquals("index.m", fieldOf(() -> VectorJson.readIndexSpec(uncheck("{\"type\":\"hnsw\",\"m\":null}"))));
        assertEquals("index", fieldOf(() -> VectorJson.readIndexSpec(uncheck("[1]"))));
        assertEquals("index", fieldOf(() -> VectorJson.readIndexSpec(null)));
        // the create body's index member reads the same way
        CollectionSpec s = VectorJson.readCollectionSpec(
                json("{\"name\":\"a\",\"dimension\":2," + "\"index\":{\"type\":\"hnsw\",\"m\":16}}"));
        assertEquals(new IndexSpec("hnsw", Map.of("m", 16L)), s.index());
    }

    @Test
    void recordsWithEveryPartAndPreciseErrorPaths() throws Exception {
        List<VectorRecord> rs = VectorJson.readRecords(
                json(
                        "{\"records\":[{\"id\":7,\"vector\":[1,2.5],\"metadata\":{\"a\":{\"b\":[1,\"x\"]}},"
                                + "\"edges\":[{\"target\":\"q\",\"type\":\"cites\",\"weight\":0.25},{\"target\":\"r\"}]},{\"id\":\"t\",\"text\":\"hi\"}]}"));
        assertEquals("7", rs.get(0).id());
        assertArrayEquals(new float[] {1f, 2.5f}, rs.get(0).vector());
        assertEquals(Map.of("b", List.of(1, "x")), rs.get(0).metadata().get("a"));
        assertEquals("cites", rs.get(0).edges().get(0).type());
        assertEquals(1.0, rs.get(0).edges().get(1).weight());
        assertNull(rs.get(1).vector());
        assertEquals(
                "records[1]",
                fieldOf(() -> VectorJson.readRecords(
                        uncheck("{\"records\":[{\"id\":\"a\",\"vector\":[1]},{\"id\":\"b\"}]}"))));
        assertEquals(
                "records[0].vector[1]",
                fieldOf(() -> VectorJson.readRecords(uncheck("{\"records\":[{\"id\":\"a\",\"vector\":[1,1e300]}]}"))));
        assertEquals(
                "records[0].vector",
                fieldOf(() -> VectorJson.readRecords(uncheck("{\"records\":[{\"id\":\"a\",\"vector\":[]}]}"))));
        assertEquals(
                "records[0].id",
                fieldOf(() -> VectorJson.readRecords(uncheck("{\"records\":[{\"id\":\"\",\"vector\":[1]}]}"))));
        assertEquals(
                "records[0].edges[0].weight",
                fieldOf(
                        () -> VectorJson.readRecords(
                                uncheck(
                                        "{\"records\":[{\"id\":\"a\",\"vector\":[1],\"edges\":[{\"target\":\"b\",\"weight\":\"heavy\"}]}]}"))));
        assertEquals(
                "records[0].text",
                fieldOf(() -> VectorJson.readRecords(uncheck("{\"records\":[{\"id\":\"a\",\"text\":5}]}"))));
        assertEquals("records", fieldOf(() -> VectorJson.readRecords(uncheck("{\"records\":{}}"))));
    }

    @Test
    void everyFilterOperator() throws Exception {
        Filter f = VectorJson.readFilter(
                json(
                        "{\"and\":[{\"eq\":{\"lang\":\"en\"}},{\"range\":{\"year\":{\"gte\":2000,\"lt\":2010}}},"
                                + "{\"in\":{\"tag\":[\"a\",\"b\"]}},{\"exists\":\"author\"},{\"not\":{\"or\":[{\"eq\":{\"x\":1}},{\"eq\":{\"y\":true}}]}}]}"),
                "filter");
        Filter.And and = assertInstanceOf(Filter.And.class, f);
        assertEquals(new Filter.Eq("lang", "en"), and.filters().get(0));
        assertEquals(
                new Filter.Range("year", null, 2000L, 2010L, null),
                and.filters().get(1));
        assertEquals(new Filter.In("tag", List.of("a", "b")), and.filters().get(2));
        assertEquals(new Filter.Exists("author"), and.filters().get(3));
        Filter.Not not = assertInstanceOf(Filter.Not.class, and.filters().get(4));
        assertEquals(new Filter.Or(List.of(new Filter.Eq("x", 1L), new Filter.Eq("y", true))), not.filter());
        // several fields in one eq mean all of them
        assertEquals(
                new Filter.And(List.of(new Filter.Eq("a", 1L), new Filter.Eq("b", "c"))),
                VectorJson.readFilter(json("{\"eq\":{\"a\":1,\"b\":\"c\"}}"), "filter"));
    }

    @Test
    void filterErrorsNameThePath() {
        assertEquals(
                "filter.and[1].range.year",
                fieldOf(() -> VectorJson.readFilter(
                        uncheck("{\"and\":[{\"exists\":\"a\"},{\"range\":{\"year\":{}}}]}"), "filter")));
        assertEquals(
                "filter.range.year.gte",
                fieldOf(() ->
                        VectorJson.readFilter(uncheck("{\"range\":{\"year\":{\"lt\":5,\"gte\":\"a\"}}}"), "filter")));
        assertEquals(
                "filter.range.year.between",
                fieldOf(() -> VectorJson.readFilter(uncheck("{\"range\":{\"year\":{\"between\":1}}}"), "filter")));
        assertEquals("filter.in.tag", fieldOf(() -> VectorJson.readFilter(uncheck("{\"in\":{\"tag\":[]}}"), "filter")));
        assertEquals(
                "filter.eq.a", fieldOf(() -> VectorJson.readFilter(uncheck("{\"eq\":{\"a\":{\"b\":1}}}"), "filter")));
        assertEquals("filter.or", fieldOf(() -> VectorJson.readFilter(uncheck("{\"or\":[]}"), "filter")));
        assertEquals("filter.not", fieldOf(() -> VectorJson.readFilter(uncheck("{\"not\":{}}"), "filter")));
        assertEquals("filter.exists", fieldOf(() -> VectorJson.readFilter(uncheck("{\"exists\":3}"), "filter")));
        assertEquals("filter.near", fieldOf(() -> VectorJson.readFilter(uncheck("{\"near\":{}}"), "filter")));
        assertEquals("filter", fieldOf(() -> VectorJson.readFilter(uncheck("[]"), "filter")));
    }

    @Test
    void searchRequests() throws Exception {
        SearchRequest r = VectorJson.readSearch(json("{\"text\":\"q\"}"));
        assertEquals(VectorJson.DEFAULT_K, r.k());
        r = VectorJson.readSearch(json("{\"vector\":[1,2],\"k\":3,\"params\":{\"ef\":64},\"includeVectors\":true}"));
        assertEquals(3, r.k());
        assertEquals(Map.of("ef", 64L), r.params());
        assertEquals(true, r.includeVectors());
        assertEquals("k", fieldOf(() -> VectorJson.readSearch(uncheck("{\"text\":\"q\",\"k\":-1}"))));
        assertEquals(
                "includeVectors",
                fieldOf(() -> VectorJson.readSearch(uncheck("{\"text\":\"q\",\"includeVectors\":\"yes\"}"))));
        assertEquals(
                false,
                VectorJson.readSearch(json("{\"text\":\"q\",\"includeVectors\":null}"))
                        .includeVectors());
        assertEquals("k", fieldOf(() -> VectorJson.readSearch(uncheck("{\"text\":\"q\",\"k\":\"5\"}"))));
        assertEquals("vector", fieldOf(() -> VectorJson.readSearch(uncheck("{\"k\":5}"))));
        assertEquals("text", fieldOf(() -> VectorJson.readSearch(uncheck("{\"vector\":[1],\"text\":\"q\"}"))));
        assertEquals(
                "params.ef", fieldOf(() -> VectorJson.readSearch(uncheck("{\"text\":\"q\",\"params\":{\"ef\":{}}}"))));
    }

    @Test
    void keywordAndHybridSearchesWithFusion() throws Exception {
        SearchRequest r = VectorJson.readSearch(json("{\"text\":\"q\",\"mode\":\"KEYWORD\"}"));
        assertEquals(SearchMode.KEYWORD, r.mode());
        r = VectorJson.readSearch(json("{\"text\":\"q\",\"vector\":[1,2],\"mode\":\"hybrid\","
                + "\"fusion\":{\"method\":\"weighted\",\"alpha\":0.7,\"candidates\":200}}"));
        assertEquals(SearchMode.HYBRID, r.mode());
        assertEquals(new Fusion(Fusion.Method.WEIGHTED, 0.7, 60, 200), r.fusion());
        r = VectorJson.readSearch(json("{\"text\":\"q\",\"mode\":\"hybrid\"}"));
        assertEquals(Fusion.DEFAULT, r.fusion());
        assertEquals("mode", fieldOf(() -> VectorJson.readSearch(uncheck("{\"text\":\"q\",\"mode\":\"fuzzy\"}"))));
        assertEquals("text", fieldOf(() -> VectorJson.readSearch(uncheck("{\"vector\":[1],\"mode\":\"hybrid\"}"))));
        assertEquals(
                "vector",
                fieldOf(() -> VectorJson.readSearch(uncheck("{\"vector\":[1],\"text\":\"q\",\"mode\":\"keyword\"}"))));
        assertEquals(
                "fusion",
                fieldOf(() -> VectorJson.readSearch(uncheck("{\"text\":\"q\",\"fusion\":{\"method\":\"rrf\"}}"))));
        assertEquals(
                "fusion.alpha",
                fieldOf(() -> VectorJson.readSearch(
                        uncheck("{\"text\":\"q\",\"mode\":\"hybrid\",\"fusion\":{\"alpha\":2}}"))));
        assertEquals(
                "fusion.method",
                fieldOf(() -> VectorJson.readSearch(
                        uncheck("{\"text\":\"q\",\"mode\":\"hybrid\",\"fusion\":{\"method\":\"max\"}}"))));
        assertEquals(
                "fusion.rrf_k",
                fieldOf(() -> VectorJson.readSearch(
                        uncheck("{\"text\":\"q\",\"mode\":\"hybrid\",\"fusion\":{\"rrf_k\":0.5}}"))));
        assertEquals(
                "fusion.weight",
                fieldOf(() -> VectorJson.readSearch(
                        uncheck("{\"text\":\"q\",\"mode\":\"hybrid\",\"fusion\":{\"weight\":1}}"))));
    }

    @Test
    void anExactL2MatchScoresZeroNotNegativeZero() throws Exception {
        var result = new dev.caracal.vector.SearchResult(
                List.of(new dev.caracal.vector.SearchHit("a", -0.0, Map.of(), null, null)), "flat", false);
        String json = Json.mapper().writeValueAsString(VectorJson.writeSearchResult(result));
        assertEquals(
                "{\"results\":[{\"id\":\"a\",\"score\":0.0,\"metadata\":{},\"text\":null}],\"servedBy\":\"flat\",\"degraded\":false}",
                json);
    }

    static JsonNode uncheck(String s) {
        try {
            return json(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
