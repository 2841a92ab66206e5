package dev.caracal.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Keyword and hybrid search in the distribution: the BM25 plugin (Lucene inside an OSGi bundle) serves keyword
 * searches over REST and the console; hybrid searches fuse by reciprocal rank or by weights; bad inputs are named
 * 400s; the extra metrics and the int8 flat index serve; and the text plugin can leave under load: keyword searches
 * get a 503 that says why, hybrid searches keep answering with their vector part (degraded), and both recover when
 * it is back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SearchModesIT extends CaracalTestSupport {
    private static final String[] TEXTS = {
        "Compilers optimize loops by unrolling and strength reduction",
        "A relational database answers queries with an optimizer",
        "Operating systems schedule processes and manage virtual memory",
        "Loop unrolling in compilers trades code size for speed",
        "Sorting algorithms: quicksort, mergesort and heapsort compared",
        "Virtual memory paging and page replacement policies",
        "Hash tables give constant time lookups on average",
        "Parsing expressions with recursive descent compilers",
    };

    /** Eight records on a 4-d grid, each with a text and a group; the vectors are unrelated to the texts. */
    private static void fill(String name) throws Exception {
        assertEquals(
                201,
                post("/api/v1/collections", "{\"name\":\"" + name + "\",\"dimension\":4,\"metric\":\"l2\"}")
                        .status());
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < TEXTS.length; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"d")
                    .append(i)
                    .append("\",\"vector\":[")
                    .append(i)
                    .append(",0,0,0],\"text\":\"")
                    .append(TEXTS[i])
                    .append("\",\"metadata\":{\"group\":")
                    .append(i % 2)
                    .append("}}");
        }
        assertEquals(
                200,
                put(
                                "/api/v1/collections/" + name + "/records",
                                body.append("]}").toString())
                        .status());
        eventually(60, "keyword index of " + name + " ready", () -> "ready".equals(textStatus(name)));
    }

    private static String textStatus(String name) throws Exception {
        JsonNode text = get("/api/v1/collections/" + name).json().get("textIndex");
        return text == null ? null : text.get("status").asText();
    }

    private static List<String> ids(JsonNode result) {
        List<String> ids = new ArrayList<>();
        result.get("results").forEach(h -> ids.add(h.get("id").asText()));
        return ids;
    }

    @Test
    public void keywordAndHybridSearchOverRestAndConsole() throws Exception {
        awaitReady();
        fill("modes");
        JsonNode info = get("/api/v1/collections/modes").json();
        assertEquals("bm25", info.get("textIndex").get("type").asText());

        // stemming: "compiler" matches "Compilers"; BM25 ranks the shorter document with two hits first
        Reply keyword =
                post("/api/v1/collections/modes/search", "{\"text\":\"compiler loops\",\"mode\":\"keyword\",\"k\":3}");
        assertEquals(keyword.toString(), 200, keyword.status());
        assertEquals("bm25", keyword.json().get("servedBy").asText());
        List<String> ids = ids(keyword.json());
        assertTrue(ids.toString(), ids.containsAll(List.of("d0", "d3")));
        assertEquals(
                TEXTS[Integer.parseInt(ids.get(0).substring(1))],
                keyword.json().get("results").get(0).get("text").asText());

        Reply filtered = post(
                "/api/v1/collections/modes/search",
                "{\"text\":\"memory\",\"mode\":\"keyword\"," + "\"filter\":{\"eq\":{\"group\":1}}}");
        assertEquals(List.of("d5"), ids(filtered.json()));
        // query syntax is not a query language: operators and quotes are just words
        assertEquals(
                200,
                post("/api/v1/collections/modes/search", "{\"text\":\"memory AND (\\\"paging\",\"mode\":\"keyword\"}")
                        .status());

        // hybrid: the vector [7,0,0,0] favours d7 and d6, the keywords favour d3 and d0
        Reply rrf = post(
                "/api/v1/collections/modes/search",
                "{\"vector\":[7,0,0,0],\"text\":\"loop unrolling\"," + "\"mode\":\"hybrid\",\"k\":4}");
        assertEquals(rrf.toString(), 200, rrf.status());
        assertEquals("flat+bm25", rrf.json().get("servedBy").asText());
        assertFalse(rrf.json().get("degraded").asBoolean());
        assertTrue(ids(rrf.json()).toString(), ids(rrf.json()).containsAll(List.of("d3", "d7")));
        Reply vectorOnly = post(
                "/api/v1/collections/modes/search",
                "{\"vector\":[7,0,0,0],\"text\":\"loop unrolling\","
                        + "\"mode\":\"hybrid\",\"k\":2,\"fusion\":{\"method\":\"weighted\",\"alpha\":1}}");
        assertEquals(List.of("d7", "d6"), ids(vectorOnly.json()));
        Reply keywordOnly = post(
                "/api/v1/collections/modes/search",
                "{\"vector\":[7,0,0,0],\"text\":\"loop unrolling\","
                        + "\"mode\":\"hybrid\",\"k\":1,\"fusion\":{\"method\":\"weighted\",\"alpha\":0}}");
        Reply keywordMode =
                post("/api/v1/collections/modes/search", "{\"text\":\"loop unrolling\",\"mode\":\"keyword\",\"k\":1}");
        assertEquals(ids(keywordMode.json()), ids(keywordOnly.json()));
        assertTrue(List.of("d0", "d3").containsAll(ids(keywordOnly.json())));

        // bad inputs name the field
        assertField("mode", post("/api/v1/collections/modes/search", "{\"text\":\"x\",\"mode\":\"fuzzy\"}"));
        assertField(
                "fusion.alpha",
                post(
                        "/api/v1/collections/modes/search",
                        "{\"text\":\"x\",\"vector\":[1,0,0,0]," + "\"mode\":\"hybrid\",\"fusion\":{\"alpha\":1.5}}"));
        assertField("text", post("/api/v1/collections/modes/search", "{\"vector\":[1,0,0,0],\"mode\":\"keyword\"}"));
        assertField(
                "text",
                post(
                        "/api/v1/collections/modes/search",
                        "{\"text\":\"x\",\"mode\":\"hybrid\"}")); // no model, no vector

        String out = console("vector:search -c modes -m keyword -k 2 'virtual memory'");
        assertTrue(out, out.contains("d5") && out.contains("d2"));
        out = console("vector:info modes");
        assertTrue(out, out.contains("keyword index") && out.contains("ready, bm25"));
        out = consoleFailure("vector:search -c modes -m fuzzy x");
        assertTrue(out, out.contains("mode"));
    }

    @Test
    public void extraMetricsAndTheInt8FlatIndex() throws Exception {
        awaitReady();
        assertEquals(
                201,
                post("/api/v1/collections", "{\"name\":\"bits\",\"dimension\":8,\"metric\":\"hamming\"}")
                        .status());
        assertEquals(
                200,
                put(
                                "/api/v1/collections/bits/records",
                                "{\"records\":["
                                        + "{\"id\":\"a\",\"vector\":[1,1,1,1,0,0,0,0]},{\"id\":\"b\",\"vector\":[1,1,0,0,0,0,0,0]},"
                                        + "{\"id\":\"c\",\"vector\":[0,0,0,0,1,1,1,1]}]}")
                        .status());
        JsonNode hits = post("/api/v1/collections/bits/search", "{\"vector\":[1,1,1,0,0,0,0,0],\"k\":3}")
                .json();
        assertEquals(List.of("a", "b", "c"), ids(hits));
        assertEquals(-1.0, hits.get("results").get(0).get("score").asDouble(), 0.0);
        assertField(
                "records[0].vector",
                put(
                        "/api/v1/collections/bits/records",
                        "{\"records\":[{\"id\":\"x\",\"vector\":[0.5,0,0,0,0,0,0,0]}]}"));
        Reply ivfJaccard = post(
                "/api/v1/collections",
                "{\"name\":\"bits2\",\"dimension\":8,\"metric\":\"jaccard\"," + "\"index\":{\"type\":\"ivf\"}}");
        assertField("index.type", ivfJaccard);

        assertEquals(
                201,
                post("/api/v1/collections", "{\"name\":\"l1\",\"dimension\":2,\"metric\":\"manhattan\"}")
                        .status());
        assertEquals(
                200,
                put(
                                "/api/v1/collections/l1/records",
                                "{\"records\":[{\"id\":\"p\",\"vector\":[1,1]}," + "{\"id\":\"q\",\"vector\":[3,0]}]}")
                        .status());
        hits = post("/api/v1/collections/l1/search", "{\"vector\":[0,0],\"k\":2}")
                .json();
        assertEquals(List.of("p", "q"), ids(hits));
        assertEquals(-2.0, hits.get("results").get(0).get("score").asDouble(), 1e-6);

        assertEquals(
                201,
                post(
                                "/api/v1/collections",
                                "{\"name\":\"small\",\"dimension\":4,\"metric\":\"cosine\","
                                        + "\"index\":{\"type\":\"flat\",\"quantization\":\"int8\"}}")
                        .status());
        assertEquals(
                200,
                put(
                                "/api/v1/collections/small/records",
                                "{\"records\":[{\"id\":\"x\",\"vector\":[1,0,0,0]},"
                                        + "{\"id\":\"y\",\"vector\":[0,1,0,0]}]}")
                        .status());
        eventually(
                30,
                "int8 index ready",
                () -> "ready"
                        .equals(get("/api/v1/collections/small")
                                .json()
                                .get("index")
                                .get("status")
                                .asText()));
        hits = post("/api/v1/collections/small/search", "{\"vector\":[0.9,0.1,0,0],\"k\":1}")
                .json();
        assertEquals("flat-int8", hits.get("servedBy").asText());
        assertEquals(List.of("x"), ids(hits));
        assertField(
                "params.rerank",
                post("/api/v1/collections/small/search", "{\"vector\":[1,0,0,0],\"params\":{\"rerank\":1000}}"));
        assertField(
                "index.quantization",
                post(
                        "/api/v1/collections",
                        "{\"name\":\"bad8\",\"dimension\":4,"
                                + "\"metric\":\"jaccard\",\"index\":{\"type\":\"flat\",\"quantization\":\"int8\"}}"));
    }

    @Test
    public void theTextPluginLeavesAndReturnsUnderLoad() throws Exception {
        awaitReady();
        fill("swap-text");
        AtomicInteger hybridOk = new AtomicInteger();
        AtomicInteger keywordOk = new AtomicInteger();
        AtomicInteger keyword503 = new AtomicInteger();
        ConcurrentLinkedQueue<String> hybridServedBy = new ConcurrentLinkedQueue<>();
        Load load = Load.start(3, t -> {
            boolean hybrid = t > 0;
            return () -> {
                Reply reply = post(
                        "/api/v1/collections/swap-text/search",
                        hybrid
                                ? "{\"vector\":[3,0,0,0],\"text\":\"virtual memory\",\"mode\":\"hybrid\",\"k\":3}"
                                : "{\"text\":\"virtual memory\",\"mode\":\"keyword\",\"k\":3}");
                if (hybrid) {
                    if (reply.status() != 200 || reply.json().get("results").size() != 3) {
                        throw new AssertionError(reply.toString());
                    }
                    hybridOk.incrementAndGet();
                    JsonNode j = reply.json();
                    hybridServedBy.add(
                            j.get("servedBy").asText() + (j.get("degraded").asBoolean() ? "/degraded" : ""));
                } else if (reply.status() == 200) {
                    keywordOk.incrementAndGet();
                } else if (reply.status() == 503
                        && reply.json().get("type").asText().endsWith("text-index-unavailable")) {
                    keyword503.incrementAndGet();
                } else {
                    throw new AssertionError(reply.toString());
                }
            };
        });
        try (load) {
            featureLeavesAndReturns(
                    "caracal-vector-text-bm25",
                    () -> "degraded".equals(textStatus("swap-text")),
                    () -> "ready".equals(textStatus("swap-text")));
        }
        assertTrue("failed searches: " + load.failures(), load.failures().isEmpty());
        assertTrue(hybridServedBy.toString(), hybridServedBy.contains("flat/degraded"));
        assertTrue(hybridServedBy.contains("flat+bm25"));
        assertTrue(keyword503.get() > 0);
        assertTrue(keywordOk.get() > 0);
        JsonNode after = post(
                        "/api/v1/collections/swap-text/search",
                        "{\"text\":\"virtual memory\",\"mode\":\"keyword\",\"k\":2}")
                .json();
        assertEquals(List.of("d5", "d2"), ids(after));
    }

    private static void assertField(String field, Reply reply) {
        assertEquals(reply.toString(), 400, reply.status());
        assertEquals(reply.toString(), field, reply.json().get("field").asText());
    }
}
