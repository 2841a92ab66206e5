package dev.caracal.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Index plugins come and go under load: while queries run on several threads, uninstalling an index feature leaves
 * its collections answering by exact scan and reporting degraded; reinstalling rebuilds the index in the background
 * and swaps it in. Not one query fails.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IndexHotSwapIT extends CaracalTestSupport {
    private static final int DIM = 32;

    @Test
    public void hnswLeavesAndReturnsUnderQueryLoad() throws Exception {
        awaitReady();
        swapUnderLoad("hnsw", "caracal-vector-index-hnsw", "{\"type\":\"hnsw\",\"m\":16}");
    }

    @Test
    public void ivfLeavesAndReturnsUnderQueryLoad() throws Exception {
        awaitReady();
        swapUnderLoad("ivf", "caracal-vector-index-ivf", "{\"type\":\"ivf\"}");
    }

    @Test
    public void optionalIndexFeaturesInstallAndServe() throws Exception {
        awaitReady();
        for (String type : new String[] {"lsh", "kdtree"}) {
            // shipped inside the distribution, so a user can install it offline (the test container could
            // otherwise fall back to the build's local Maven repository and hide a missing bundle)
            java.io.File shipped = new java.io.File(
                    System.getProperty("karaf.home"), "system/dev/caracal/caracal-vector-index-" + type);
            assertTrue("not shipped in system/: " + shipped, shipped.isDirectory());
            String name = "opt-" + type;
            Reply before = post(
                    "/api/v1/collections",
                    "{\"name\":\"" + name + "\",\"dimension\":4,\"index\":{\"type\":\"" + type + "\"}}");
            assertEquals(before.toString(), 400, before.status());
            assertEquals("index.type", before.json().get("field").asText());
            console("feature:install caracal-vector-index-" + type);
            eventually(
                    60,
                    type + " available",
                    () -> post(
                                            "/api/v1/collections",
                                            "{\"name\":\"" + name
                                                    + "\",\"dimension\":4,\"metric\":\"l2\",\"index\":{\"type\":\""
                                                    + type + "\"}}")
                                    .status()
                            == 201);
            Random rnd = new Random(3);
            assertEquals(
                    200,
                    put(
                                    "/api/v1/collections/" + name + "/records",
                                    records(
                                            "p",
                                            0,
                                            2000,
                                            () -> vector(4, () -> Float.toString(rnd.nextFloat())),
                                            i -> ""))
                            .status());
            eventually(60, type + " ready", () -> status(name).equals("ready"));
            JsonNode hits = post("/api/v1/collections/" + name + "/search", "{\"vector\":[0.5,0.5,0.5,0.5],\"k\":5}")
                    .json();
            assertEquals(type, hits.get("servedBy").asText());
            assertEquals(5, hits.get("results").size());
        }
    }

    @Test
    public void indexLifecycleOverRestAndConsole() throws Exception {
        awaitReady();
        assertEquals(
                201,
                post("/api/v1/collections", "{\"name\":\"life\",\"dimension\":" + DIM + ",\"metric\":\"l2\"}")
                        .status());
        Random rnd = new Random(11);
        assertEquals(
                200,
                put("/api/v1/collections/life/records", records("l", 0, 3000, () -> vector(rnd), i -> ""))
                        .status());
        assertEquals("flat", query("life", new Random(1)).get("servedBy").asText());

        Reply bad = call("PUT", "/api/v1/collections/life/index", "{\"type\":\"hnsw\",\"m\":1}");
        assertEquals(bad.toString(), 400, bad.status());
        assertEquals("index.m", bad.json().get("field").asText());
        Reply changed = call("PUT", "/api/v1/collections/life/index", "{\"type\":\"hnsw\",\"m\":12}");
        assertEquals(changed.toString(), 202, changed.status());
        eventually(
                60,
                "hnsw built",
                () -> status("life").equals("ready")
                        && query("life", new Random(2)).get("servedBy").asText().equals("hnsw"));

        String out = console("vector:rebuild life");
        assertTrue(out, !out.contains("Error"));
        eventually(60, "rebuilt", () -> status("life").equals("ready"));
        out = console("vector:index -p nlist=16 life ivf");
        assertTrue(out, out.contains("ivf"));
        eventually(
                60,
                "ivf built",
                () -> query("life", new Random(3)).get("servedBy").asText().equals("ivf"));
        out = console("vector:info life");
        assertTrue(out, out.contains("ivf"));
        console("vector:index life flat");
        eventually(
                30,
                "back to flat",
                () -> query("life", new Random(4)).get("servedBy").asText().equals("flat"));
        assertEquals(3000, get("/api/v1/collections/life").json().get("count").asInt());
    }

    private void swapUnderLoad(String type, String feature, String indexJson) throws Exception {
        String name = "swap-" + type;
        assertEquals(
                201,
                post(
                                "/api/v1/collections",
                                "{\"name\":\"" + name + "\",\"dimension\":" + DIM + ",\"metric\":\"l2\",\"index\":"
                                        + indexJson + "}")
                        .status());
        Random rnd = new Random(7);
        for (int batch = 0; batch < 10; batch++) {
            assertEquals(
                    200,
                    put(
                                    "/api/v1/collections/" + name + "/records",
                                    records(
                                            "r",
                                            batch * 500,
                                            500,
                                            () -> vector(rnd),
                                            i -> ",\"metadata\":{\"group\":" + i % 10 + "}"))
                            .status());
        }
        eventually(120, type + " index ready", () -> status(name).equals("ready"));
        assertEquals(type, query(name, new Random(1)).get("servedBy").asText());

        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> servedBy = new ConcurrentLinkedQueue<>();
        Load load = Load.start(4, seed -> {
            Random r = new Random(seed);
            return () -> {
                Reply reply = post(
                        "/api/v1/collections/" + name + "/search",
                        "{\"vector\":" + vector(r) + ",\"k\":10"
                                + (r.nextBoolean() ? ",\"filter\":{\"eq\":{\"group\":3}}" : "") + "}");
                JsonNode json = reply.json();
                if (reply.status() != 200 || json.get("results").size() != 10) {
                    throw new AssertionError(reply.toString());
                }
                ok.incrementAndGet();
                servedBy.add(
                        json.get("servedBy").asText() + (json.get("degraded").asBoolean() ? "/degraded" : ""));
            };
        });
        try (load) {
            featureLeavesAndReturns(
                    feature,
                    () -> status(name).equals("degraded"),
                    () -> status(name).equals("ready"));
        }
        assertTrue("failed queries: " + load.failures(), load.failures().isEmpty());
        assertTrue(servedBy.contains("flat/degraded"));
        assertTrue(servedBy.contains(type));
        assertTrue(ok.get() > 20);
        assertEquals(
                5000, get("/api/v1/collections/" + name).json().get("count").asInt());
    }

    private static String status(String name) throws Exception {
        return get("/api/v1/collections/" + name)
                .json()
                .get("index")
                .get("status")
                .asText();
    }

    private static JsonNode query(String name, Random r) throws Exception {
        return post("/api/v1/collections/" + name + "/search", "{\"vector\":" + vector(r) + ",\"k\":10}")
                .json();
    }

    /** A {@value #DIM}-d vector of Gaussian components. */
    private static String vector(Random r) {
        return vector(DIM, () -> String.format(Locale.ROOT, "%.4f", r.nextGaussian()));
    }

    /** A JSON array of {@code dimension} components, each drawn by {@code component}. */
    private static String vector(int dimension, Supplier<String> component) {
        StringBuilder sb = new StringBuilder("[");
        for (int d = 0; d < dimension; d++) {
            sb.append(d == 0 ? "" : ",").append(component.get());
        }
        return sb.append(']').toString();
    }

    /**
     * A records body: {@code n} records from number {@code from} on, with the id {@code prefix + number}, the next
     * vector and the members that {@code extra} gives for the number.
     */
    private static String records(String prefix, int from, int n, Supplier<String> vectors, IntFunction<String> extra) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = from; i < from + n; i++) {
            body.append(i == from ? "" : ",")
                    .append("{\"id\":\"")
                    .append(prefix)
                    .append(i)
                    .append("\",\"vector\":")
                    .append(vectors.get())
                    .append(extra.apply(i))
                    .append('}');
        }
        return body.append("]}").toString();
    }
}
