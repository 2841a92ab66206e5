package dev.caracal.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real distribution as a child process: acknowledged writes survive {@code kill -9}, and a clean restart restores
 * every collection. Also prints boot-to-ready seconds and idle RSS (figures for the notes, not assertions).
 */
class DurabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DIM = 16;

    @TempDir
    Path work;

    @Test
    void acknowledgedWritesSurviveKill9AndRestart() throws Exception {
        try (KarafProcess karaf = new KarafProcess(work)) {
            double boot = karaf.start();
            System.out.printf(Locale.ROOT, "boot-to-ready %.1f s, RSS %d MB%n", boot, karaf.rssKb() / 1024);
            assertEquals(
                    201,
                    karaf.send(
                                    "POST",
                                    "/api/v1/collections",
                                    "{\"name\":\"acks\",\"dimension\":" + DIM + ",\"metric\":\"l2\"}")
                            .statusCode());
            assertEquals(
                    201,
                    karaf.send("POST", "/api/v1/collections", "{\"name\":\"texts\",\"embedding\":\"all-minilm-l6-v2\"}")
                            .statusCode());
            assertEquals(
                    200,
                    karaf.send(
                                    "PUT",
                                    "/api/v1/collections/texts/records",
                                    "{\"records\":[{\"id\":\"t1\",\"text\":\"durable text record\",\"metadata\":{\"n\":1}}]}")
                            .statusCode());

            // writers keep sending batches; every batch answered 200 is acknowledged and must survive
            ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(karaf, writer, acked, stop));
                t.start();
                writers.add(t);
            }
            while (acked.size() < 3000) {
                Thread.sleep(20);
            }
            karaf.kill9();
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            int acknowledged = acked.size();

            karaf.start();
            assertAllPresent(karaf, acked);
            JsonNode info = JSON.readTree(karaf.get("/api/v1/collections/acks").body());
            assertTrue(info.get("count").asInt() >= acknowledged, info.toString());
            assertEquals(200, karaf.get("/api/v1/collections/texts/records/t1").statusCode());

            // a clean restart keeps everything too, and text search works on the restored collection
            karaf.stop();
            double reboot = karaf.start();
            System.out.printf(Locale.ROOT, "restart-to-ready %.1f s with %d records%n", reboot, acknowledged);
            assertAllPresent(karaf, acked);
            HttpResponse<String> hits =
                    karaf.send("POST", "/api/v1/collections/texts/search", "{\"text\":\"durable\",\"k\":1}");
            assertEquals(200, hits.statusCode(), hits.body());
            assertEquals(
                    "t1",
                    JSON.readTree(hits.body()).get("results").get(0).get("id").asText());
        }
    }

    private static void write(KarafProcess karaf, int writer, ConcurrentLinkedQueue<String> acked, AtomicBoolean stop) {
        Random rnd = new Random(writer);
        for (int batch = 0; !stop.get(); batch++) {
            List<String> ids = new ArrayList<>();
            StringBuilder body = new StringBuilder("{\"records\":[");
            for (int i = 0; i < 100; i++) {
                String id = "w" + writer + "-" + batch + "-" + i;
                ids.add(id);
                body.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"vector\":[");
                for (int d = 0; d < DIM; d++) {
                    body.append(d == 0 ? "" : ",").append(rnd.nextFloat());
                }
                body.append("],\"metadata\":{\"batch\":").append(batch).append("}}");
            }
            body.append("]}");
            try {
                if (karaf.send("PUT", "/api/v1/collections/acks/records", body.toString())
                                .statusCode()
                        == 200) {
                    acked.addAll(ids);
                }
            } catch (Exception e) {
                return; // the server died mid-request: this batch was not acknowledged
            }
        }
    }

    private static void assertAllPresent(KarafProcess karaf, ConcurrentLinkedQueue<String> acked) throws Exception {
        int missing = 0;
        String firstMissing = null;
        for (String id : acked) {
            if (karaf.get("/api/v1/collections/acks/records/" + id).statusCode() != 200) {
                missing++;
                firstMissing = firstMissing == null ? id : firstMissing;
            }
        }
        assertEquals(0, missing, missing + " of " + acked.size() + " acknowledged records lost, e.g. " + firstMissing);
    }
}
