package dev.caracal.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user drives it from a shell: console commands piped into {@code bin/client -b} (exit status
 * and message), {@code feature:list}, and the README's curl and headless examples run as printed.
 */
class ClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    static KarafProcess karaf;

    @BeforeAll
    static void start() throws Exception {
        karaf = new KarafProcess(work);
        karaf.start();
    }

    @AfterAll
    static void stop() throws Exception {
        karaf.close();
    }

    @Test
    void aFailingCommandExitsNonZeroWithItsMessage() throws Exception {
        KarafProcess.Run ok = karaf.client("vector:list\n");
        assertEquals(0, ok.status(), ok.toString());
        assertFalse(ok.out().contains("Error"), ok.toString());

        client(
                "vector:info nope\n",
                1,
                "Error: collection 'nope' does not exist; vector:list shows the collections"::equals);
        client(
                "llm:chat -m no-such-model hello\n",
                1,
                l -> l.startsWith("Error: not_found: ") && l.contains("no-such-model"));
        // the security filter is the first step of every call (grants, token limits)
        client("gateway:filters\n", 0, l -> l.contains("| security |") && l.contains("dev.caracal.security.gateway"));
        // caracal:status has no failure of its own: a line the parser refuses fails the same way
        client("caracal:status --no-such-option\n", 1, l -> l.contains("undefined option --no-such-option"));

        // a script stops at its first failure
        KarafProcess.Run script = karaf.client("vector:info nope\nvector:create --dimension 2 after-failure\n");
        assertEquals(1, script.status(), script.toString());
        assertFalse(script.out().contains("Created collection"), script.toString());
        assertEquals(404, karaf.get("/api/v1/collections/after-failure").statusCode());
    }

    /** Pipes {@code script} into {@code bin/client -b}: it exits with {@code status} and prints a {@code line}. */
    private static void client(String script, int status, Predicate<String> line) throws Exception {
        KarafProcess.Run run = karaf.client(script);
        assertEquals(status, run.status(), run.toString());
        assertTrue(run.lines().stream().anyMatch(line), run.toString());
    }

    @Test
    void featureListShowsCaracalStarted() throws Exception {
        KarafProcess.Run installed = karaf.client("feature:list -i\n");
        assertEquals(0, installed.status(), installed.toString());
        assertTrue(started(installed.lines(), "caracal"), installed.toString());
        for (String plugin : List.of("caracal-llm-embeddings-onnx", "caracal-vector-index-hnsw", "caracal-rag-text")) {
            assertTrue(started(installed.lines(), plugin), plugin + " in " + installed);
        }
        KarafProcess.Run grep = karaf.client("feature:list | grep caracal\n");
        assertTrue(started(grep.lines(), "caracal"), grep.toString());
    }

    /** Whether {@code feature:list} shows {@code feature} (that exact name) installed and started. */
    private static boolean started(List<String> lines, String feature) {
        return lines.stream().anyMatch(l -> l.matches(feature + " +\\|.*") && l.contains("| Started"));
    }

    @Test
    void theReadmesCurlExamplesRunAsPrinted() throws Exception {
        List<String> commands = Readme.read().curlCommands();
        assertTrue(commands.size() >= 8, "curl examples in README.md: " + commands);
        String searchPapers = null;
        String searchPoints = null;
        for (String command : commands) {
            KarafProcess.Run run = karaf.bash(onTestPort(command) + " -w '\\n%{http_code}'", Readme.ROOT);
            List<String> lines = run.out().lines().toList();
            int status = Integer.parseInt(lines.get(lines.size() - 1));
            assertTrue(status >= 200 && status < 300, command + "\n-> " + run);
            String body = String.join("\n", lines.subList(0, lines.size() - 1));
            if (command.contains("/papers/search")) {
                searchPapers = body;
            } else if (command.contains("/points/search")) {
                searchPoints = body;
            }
        }
        JsonNode papers = JSON.readTree(searchPapers).get("results");
        assertEquals(1, papers.size(), searchPapers); // the filter keeps the English paper of 1970 or later
        assertEquals("p1", papers.get(0).get("id").asText());
        assertEquals(
                "a", JSON.readTree(searchPoints).get("results").get(0).get("id").asText(), searchPoints);
    }

    @Test
    void theReadmesHeadlessExamplesRunAsPrinted() throws Exception {
        List<String> lines =
                Readme.read().block("karaf-assembly/target/assembly/bin/start          # start in the background");
        String last = "";
        int ran = 0;
        for (String line : lines) {
            if (line.contains("bin/start") || line.contains("bin/stop")) {
                continue; // this test started the distribution itself, in its own copy
            }
            KarafProcess.Run run = karaf.bash(onTestPort(line), Readme.ROOT);
            assertEquals(0, run.status(), line + "\n-> " + run);
            last = run.out();
            ran++;
        }
        assertEquals(4, ran, lines.toString());
        assertTrue(last.contains("benchmarks.md#"), last); // the search finds the ingested docs
    }

    /** A README command aimed at this test's distribution: its own HTTP port and installation. */
    private static String onTestPort(String command) {
        return command.replace("localhost:8181", "localhost:" + karaf.httpPort)
                .replace("karaf-assembly/target/assembly/", karaf.home + "/");
    }
}
