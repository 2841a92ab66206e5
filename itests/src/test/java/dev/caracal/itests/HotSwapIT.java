package dev.caracal.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Plugins come and go while the container serves: without the embedding model, text answers 503 and vector queries
 * keep working; when it returns, text works again; no record is lost; caracal:status shows each change. The store
 * itself restarting (bundle stop/start) restores every collection from disk.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapIT extends CaracalTestSupport {
    private static final String ONNX = "dev.caracal.llm.embeddings.onnx";

    @Test
    public void embeddingModelLeavesAndReturns() throws Exception {
        awaitReady();
        Reply created = post("/api/v1/collections", "{\"name\":\"swap\",\"embedding\":\"all-minilm-l6-v2\"}");
        assertEquals(created.toString(), 201, created.status());
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < 40; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"r")
                    .append(i)
                    .append("\",\"text\":\"record number ")
                    .append(i)
                    .append(" about topic ")
                    .append(i % 5)
                    .append("\"}");
        }
        body.append("]}");
        assertEquals(
                200, put("/api/v1/collections/swap/records", body.toString()).status());
        String vector =
                get("/api/v1/collections/swap/records/r7").json().get("vector").toString();

        // 1. stop the bundle
        bundle(ONNX).stop();
        eventually(30, "text search answers 503", () -> textSearch().status() == 503);
        Reply r = textSearch();
        assertEquals(
                "urn:caracal:problem:embedding-unavailable",
                r.json().get("type").asText());
        assertTrue(r.toString(), r.json().get("detail").asText().contains("all-minilm-l6-v2"));
        assertEquals(
                503,
                put("/api/v1/collections/swap/records", "{\"records\":[{\"id\":\"t\",\"text\":\"new\"}]}")
                        .status());
        Reply byVector = post("/api/v1/collections/swap/search", "{\"vector\":" + vector + ",\"k\":3}");
        assertEquals(byVector.toString(), 200, byVector.status());
        assertEquals("r7", byVector.json().get("results").get(0).get("id").asText());
        assertEquals(
                200,
                put("/api/v1/collections/swap/records", "{\"records\":[{\"id\":\"v\",\"vector\":" + vector + "}]}")
                        .status());
        String status = console("caracal:status");
        assertTrue(status, status.contains(ONNX) && status.contains("resolved (stopped)"));
        assertTrue(
                status,
                status.contains("DEGRADED") && status.contains("embedding model 'all-minilm-l6-v2' is not available"));
        assertTrue(
                status,
                status.lines().noneMatch(l -> l.startsWith("embedding model") && l.contains("all-minilm-l6-v2")));

        // 2. start it again
        bundle(ONNX).start();
        eventually(60, "text search works again", () -> textSearch().status() == 200);
        assertEquals(41, count());
        status = console("caracal:status");
        assertTrue(status, status.contains("embedding model") && status.contains("all-minilm-l6-v2"));

        // 3. uninstall and reinstall its feature
        String out = console("feature:uninstall caracal-llm-embeddings-onnx");
        assertTrue(out, !out.toLowerCase().contains("error"));
        eventually(
                60,
                "text search answers 503 without the feature",
                () -> textSearch().status() == 503);
        assertEquals(
                200,
                post("/api/v1/collections/swap/search", "{\"vector\":" + vector + ",\"k\":3}")
                        .status());
        status = console("caracal:status");
        assertTrue(status, !status.contains(ONNX));
        console("feature:install caracal-llm-embeddings-onnx");
        eventually(120, "text search works after reinstall", () -> textSearch().status() == 200);
        JsonNode hits = textSearch().json().get("results");
        assertEquals(5, hits.size());
        assertEquals(41, count());
    }

    @Test
    public void storeRestartRestoresCollections() throws Exception {
        awaitReady();
        assertEquals(
                201,
                post("/api/v1/collections", "{\"name\":\"durable\",\"dimension\":2,\"metric\":\"dot\"}")
                        .status());
        assertEquals(
                200,
                put(
                                "/api/v1/collections/durable/records",
                                "{\"records\":[{\"id\":\"a\",\"vector\":[1,2],"
                                        + "\"metadata\":{\"k\":\"v\"},\"text\":\"alpha\",\"edges\":[{\"target\":\"b\",\"type\":\"next\",\"weight\":2}]},"
                                        + "{\"id\":\"b\",\"vector\":[3,4]}]}")
                        .status());
        Bundle store = bundle("dev.caracal.vector.store");
        store.stop();
        eventually(30, "store gone", () -> get("/api/v1/collections/durable").status() == 503);
        store.start();
        eventually(60, "store back", () -> get("/api/v1/collections/durable").status() == 200);
        JsonNode info = get("/api/v1/collections/durable").json();
        assertEquals(2, info.get("count").asInt());
        assertEquals("dot", info.get("metric").asText());
        JsonNode a = get("/api/v1/collections/durable/records/a").json();
        assertEquals("alpha", a.get("text").asText());
        assertEquals("v", a.get("metadata").get("k").asText());
        assertEquals("next", a.get("edges").get(0).get("type").asText());
        assertEquals(2.0, a.get("edges").get(0).get("weight").asDouble(), 0);
    }

    private Reply textSearch() throws Exception {
        return post("/api/v1/collections/swap/search", "{\"text\":\"topic 3\",\"k\":5}");
    }

    private long count() throws Exception {
        return get("/api/v1/collections/swap").json().get("count").asLong();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
