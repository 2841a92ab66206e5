package dev.caracal.vector.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caracal.core.json.Json;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.StorageFailureException.Reason;
import dev.caracal.vector.VectorStore;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A write the disk refused is answered "retry later" in plain words: 507 {@code storage-full} when the disk is full,
 * 503 {@code storage-read-only} or {@code storage-failure} otherwise, each with {@code Retry-After}; never a 400, never
 * a class name. The store throws as the real one does when its disk fails (the store's own tests prove when it does).
 */
class StorageFailureProblemTest {
    ServedServlet server;
    String base;
    final HttpClient http = HttpClient.newHttpClient();
    volatile StorageFailureException failure;

    @BeforeEach
    void start() throws Exception {
        VectorStore refusing = (VectorStore) Proxy.newProxyInstance(
                VectorStore.class.getClassLoader(), new Class<?>[] {VectorStore.class}, (proxy, method, args) -> {
                    throw failure;
                });
        CollectionsServlet servlet = new CollectionsServlet();
        servlet.setStore(refusing);
        server = new ServedServlet(servlet);
        base = server.base;
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static void assertRetryLater(HttpResponse<String> r, int status, String type) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("5", r.headers().firstValue("Retry-After").orElse(null));
        JsonNode problem = Json.mapper().readTree(r.body());
        assertEquals("urn:caracal:problem:" + type, problem.get("type").asText());
        assertEquals(5, problem.get("retryAfter").asInt());
        assertFalse(r.body().contains("Exception"), r.body());
        assertFalse(r.body().contains("java."), r.body());
    }

    @Test
    void aFullDiskIs507OnEveryKindOfWrite() throws Exception {
        failure = new StorageFailureException(
                Reason.FULL,
                "docs",
                "the disk holding the vector data (/data) is full; collection 'docs' was not changed by this write");
        String record = "{\"records\":[{\"id\":\"a\",\"vector\":[1,2]}]}";
        assertRetryLater(send("PUT", "/docs/records", record), 507, "storage-full");
        assertRetryLater(send("POST", "/docs/records", record), 507, "storage-full");
        assertRetryLater(send("DELETE", "/docs/records/a", ""), 507, "storage-full");
        assertRetryLater(send("DELETE", "/docs", ""), 507, "storage-full");
        assertRetryLater(send("PUT", "/docs/index", "{\"type\":\"flat\"}"), 507, "storage-full");
        HttpResponse<String> r = send("PUT", "/docs/records", record);
        JsonNode problem = Json.mapper().readTree(r.body());
        assertEquals("full", problem.get("reason").asText());
        assertEquals("docs", problem.get("collection").asText());
        assertTrue(problem.get("detail").asText().startsWith("the disk holding the vector data"));
    }

    @Test
    void aReadOnlyDirectoryOrAFailingDiskIs503() throws Exception {
        failure = new StorageFailureException(
                Reason.READ_ONLY, null, "the vector data directory /data is not writable; creating was refused");
        HttpResponse<String> create = send("POST", "", "{\"name\":\"docs\",\"dimension\":2,\"metric\":\"l2\"}");
        assertRetryLater(create, 503, "storage-read-only");
        assertFalse(Json.mapper().readTree(create.body()).has("collection"));
        failure = new StorageFailureException(Reason.IO, "docs", "the disk holding the vector data failed to write");
        assertRetryLater(send("DELETE", "/docs/records/a", ""), 503, "storage-failure");
    }
}
