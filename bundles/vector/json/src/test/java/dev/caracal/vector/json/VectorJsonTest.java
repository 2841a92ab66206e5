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
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    }

    @Test
    void indexSpecForAnIndexChange() throws Exception {
        IndexSpec i = VectorJson.readIndexSpec(json("{\"type\":\" HNSW \",\"m\":16,\"efConstruction\":200,"
                + "\"ratio\":0.5,\"quantize\":true,\"mode\":\"fast\"}"));
        assertEquals("hnsw", i.type());
        assertEquals(
                Map.of("m", 16L, "efConstruction", 200L, "ratio", 0.5, "quantize", true, "mode", "fast"), i.params());
        assertEquals(IndexSpec.FLAT_SPEC, VectorJson.readIndexSpec(json("{\"type\":\"flat\"}")));
        // the create body's index member reads the same way
        CollectionSpec s = VectorJson.readCollectionSpec(
                json("{\"name\":\"a\",\"dimension\":2," + "\"index\":{\"type\":\"hnsw\",\"m\":16}}"));
        assertEquals(new IndexSpec("hnsw", Map.of("m", 16L)), s.index());
    }

    @Test
    void recordsWithEveryPart() throws Exception {
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
    void searchRequests() throws Exception {
        SearchRequest r = VectorJson.readSearch(json("{\"text\":\"q\"}"));
        assertEquals(VectorJson.DEFAULT_K, r.k());
        r = VectorJson.readSearch(json("{\"vector\":[1,2],\"k\":3,\"params\":{\"ef\":64},\"includeVectors\":true}"));
        assertEquals(3, r.k());
        assertEquals(Map.of("ef", 64L), r.params());
        assertEquals(true, r.includeVectors());
        assertEquals(
                false,
                VectorJson.readSearch(json("{\"text\":\"q\",\"includeVectors\":null}"))
                        .includeVectors());
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
    }

    static final Map<String, Function<JsonNode, Object>> READERS = Map.of(
            "collection", VectorJson::readCollectionSpec,
            "index", VectorJson::readIndexSpec,
            "records", VectorJson::readRecords,
            "filter", node -> VectorJson.readFilter(node, "filter"),
            "search", VectorJson::readSearch);

    /** Every bad input is refused with the path of the member at fault (an empty body stands for none at all). */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            collection | {"name":"a"} | dimension
            collection | {"name":"a","dimension":2,"dimensions":2} | dimensions
            collection | {"name":"a","dimension":2.5} | dimension
            collection | {"name":"a","dimension":2,"metric":"cos"} | metric
            collection | {"name":"a","dimension":2,"index":{}} | index.type
            collection | {"name":"a","dimension":2,"index":{"type":"x","m":[1]}} | index.m
            index      | {} | index.type
            index      | {"type":" "} | index.type
            index      | {"type":3} | index.type
            index      | {"type":"hnsw","m":{}} | index.m
            index      | {"type":"hnsw","m":null} | index.m
            index      | [1] | index
            index      |  | index
            records    | {"records":[{"id":"a","vector":[1]},{"id":"b"}]} | records[1]
            records    | {"records":[{"id":"a","vector":[1,1e300]}]} | records[0].vector[1]
            records    | {"records":[{"id":"a","vector":[]}]} | records[0].vector
            records    | {"records":[{"id":"","vector":[1]}]} | records[0].id
            records    | {"records":[{"id":"a","vector":[1],"edges":[{"target":"b","weight":"heavy"}]}]} | records[0].edges[0].weight
            records    | {"records":[{"id":"a","text":5}]} | records[0].text
            records    | {"records":{}} | records
            filter     | {"and":[{"exists":"a"},{"range":{"year":{}}}]} | filter.and[1].range.year
            filter     | {"range":{"year":{"lt":5,"gte":"a"}}} | filter.range.year.gte
            filter     | {"range":{"year":{"between":1}}} | filter.range.year.between
            filter     | {"in":{"tag":[]}} | filter.in.tag
            filter     | {"in":{"lang":[null]}} | filter.in.lang[0]
            filter     | {"in":{"lang":["en",[1]]}} | filter.in.lang[1]
            filter     | {"eq":{"a":{"b":1}}} | filter.eq.a
            filter     | {"or":[]} | filter.or
            filter     | {"not":{}} | filter.not
            filter     | {"exists":3} | filter.exists
            filter     | {"near":{}} | filter.near
            filter     | [] | filter
            search     | {"text":"q","k":-1} | k
            search     | {"text":"q","k":"5"} | k
            search     | {"k":5} | vector
            search     | {"vector":[1],"text":"q"} | text
            search     | {"text":"q","params":{"ef":{}}} | params.ef
            search     | {"text":"q","includeVectors":"yes"} | includeVectors
            search     | {"text":"q","mode":"fuzzy"} | mode
            search     | {"vector":[1],"mode":"hybrid"} | text
            search     | {"vector":[1],"text":"q","mode":"keyword"} | vector
            search     | {"text":"q","fusion":{"method":"rrf"}} | fusion
            search     | {"text":"q","mode":"hybrid","fusion":{"alpha":2}} | fusion.alpha
            search     | {"text":"q","mode":"hybrid","fusion":{"method":"max"}} | fusion.method
            search     | {"text":"q","mode":"hybrid","fusion":{"rrf_k":0.5}} | fusion.rrf_k
            search     | {"text":"q","mode":"hybrid","fusion":{"weight":1}} | fusion.weight
            search     | {"text":"q","topK":5} | topK
            records    | {"records":[{"id":"a","vector":[1],"payload":{}}]} | records[0].payload
            records    | {"records":[{"id":"a","vector":[1],"edges":[{"target":"b","label":"x"}]}]} | records[0].edges[0].label
            records    | {"records":[{"id":"a","vector":[1]}],"upsert":true} | upsert
            """)
    void badInputNamesTheMemberAtFault(String reader, String body, String field) throws Exception {
        JsonNode node = body == null ? null : json(body);
        assertEquals(field, fieldOf(() -> READERS.get(reader).apply(node)));
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
}
