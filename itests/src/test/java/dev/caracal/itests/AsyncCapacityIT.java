package dev.caracal.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.testkit.Chaos;
import dev.caracal.llm.testkit.Fixture;
import dev.caracal.llm.testkit.MockUpstream;
import dev.caracal.llm.testkit.RequestStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Non-streamed chat calls do not hold a Jetty thread while the upstream thinks: with the distribution's Jetty pool cut
 * to {@value #JETTY_THREADS} threads, {@value #CALLS} calls through both ingresses (OpenAI and Anthropic format) are at
 * the upstream at the same time, and every one is answered. A servlet that blocked for its upstream could have at
 * most the pool's size in flight.
 */
class AsyncCapacityIT {
    static final int JETTY_THREADS = 24;
    static final int CALLS = 120;
    static final int UPSTREAM_LATENCY_MS = 4_000;

    @TempDir
    static Path work;

    static KarafProcess karaf;
    static MockUpstream upstream;

    @BeforeAll
    static void start() throws Exception {
        upstream = MockUpstream.builder()
                .fixture(Fixture.whenUserSays("hold").reply("held").chaos(Chaos.latency(UPSTREAM_LATENCY_MS)))
                .start();
        karaf = new KarafProcess(work);
        karaf.addBootFeatures("caracal-llm-openai");
        karaf.setProperty(
                "etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.server.maxThreads", Integer.toString(JETTY_THREADS));
        karaf.writeEtc(
                "dev.caracal.llm.openai-up.cfg",
                "id = up\nbaseUrl = " + upstream.openAiBaseUrl()
                        + "\napiKey = sk-up\nmodels = gpt-4o\nmaxRetries = 0\n");
        karaf.start();
        karaf.awaitModel("gpt-4o");
    }

    @AfterAll
    static void stop() throws Exception {
        KarafProcess.closeAll(karaf, upstream);
    }

    @Test
    void moreCallsInFlightThanJettyHasThreadsAllAnswered() throws Exception {
        String base = "http://127.0.0.1:" + karaf.httpPort;
        ExecutorService executor = Executors.newFixedThreadPool(4);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        try {
            upstream.resetStats();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                HttpRequest request = i % 2 == 0
                        ? HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + CaracalTestSupport.ADMIN_KEY)
                                .timeout(Duration.ofSeconds(120))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":"
                                        + "[{\"role\":\"user\",\"content\":\"hold " + i + "\"}]}"))
                                .build()
                        : HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                                .header("Content-Type", "application/json")
                                .header("x-api-key", CaracalTestSupport.ADMIN_KEY)
                                .header("anthropic-version", "2023-06-01")
                                .timeout(Duration.ofSeconds(120))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"max_tokens\":16,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hold " + i + "\"}]}"))
                                .build();
                calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < CALLS; i++) {
                HttpResponse<String> response = calls.get(i).join();
                assertEquals(200, response.statusCode(), "call " + i + ": " + response.body());
                assertTrue(response.body().contains("held"), "call " + i + ": " + response.body());
            }
            RequestStats stats = upstream.stats();
            assertEquals(CALLS, stats.requests(), "every call reached the upstream once");
            int poolThreads = jettyPoolThreads();
            assertTrue(
                    poolThreads <= JETTY_THREADS,
                    "Jetty's pool is capped for this test (" + poolThreads + " pool threads alive)");
            assertTrue(
                    stats.maxInFlight() > 2 * JETTY_THREADS,
                    "calls at the upstream at once: " + stats.maxInFlight() + "; a thread per call would allow at most "
                            + JETTY_THREADS);
            // still healthy afterwards
            assertEquals(200, karaf.get("/readyz").statusCode());
        } finally {
            executor.shutdownNow();
        }
    }

    /** Threads of Jetty's request pool alive in the Caracal JVM, by name, from /proc (Linux, as CI). */
    private static int jettyPoolThreads() throws Exception {
        long pid = karaf.javaPid();
        int count = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String name = Files.readString(task.resolve("comm")).trim();
                if (name.startsWith(KarafProcess.JETTY_POOL_PREFIX)) {
                    count++;
                }
            }
        }
        assertTrue(count > 0, "no thread named " + KarafProcess.JETTY_POOL_PREFIX + "* in the Caracal JVM");
        return count;
    }
}
