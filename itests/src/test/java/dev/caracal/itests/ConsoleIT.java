package dev.caracal.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.caracal.gateway.GatewayFilter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/** The console: vector: commands end to end (create, ingest with progress, search, filter, drop), completion, status. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConsoleIT extends CaracalTestSupport {

    @Test
    public void createListInfoDrop() throws Exception {
        awaitReady();
        awaitCommand("vector:list");
        consoleShows("vector:create --dimension 4 --metric l2 shelf", "Created collection shelf (4 dimensions, l2");
        consoleShows("vector:list", "shelf", "l2");
        consoleShows("vector:info shelf", "records", "dimension", "ready");
        consoleFails("vector:create --dimension 4 shelf", "already exists");
        consoleFails("vector:create nodim", "give --dimension");
        consoleFails("vector:info nothere", "does not exist", "vector:list");
        consoleShows("vector:drop shelf", "Dropped collection shelf");
        consoleFails("vector:drop shelf", "does not exist");
        // the console's destructive commands are in the audit log, with the console user as actor and the outcome
        String audit = console("security:audit --action collection");
        for (String row : new String[] {"collection.drop|failed", "collection.drop|ok", "collection.create|ok"}) {
            String[] parts = row.split("\\|");
            assertTrue(
                    row + " in\n" + audit,
                    audit.lines()
                            .anyMatch(l -> l.contains("console (karaf)")
                                    && l.contains(parts[0])
                                    && l.contains("collection shelf")
                                    && l.contains(parts[1])));
        }
    }

    @Test
    public void ingestAndSearchAFolder() throws Exception {
        awaitReady();
        awaitCommand("vector:list");
        Path dir = Files.createTempDirectory("caracal-docs");
        Files.writeString(
                dir.resolve("compilers.md"),
                "# Compilers\n\nA compiler translates a high-level programming "
                        + "language into machine code. Optimising compilers unroll loops and allocate registers.\n\n"
                        + "## Parsing\n\nParsers build syntax trees from tokens produced by a lexer.\n",
                StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve("cooking.html"),
                "<html><head><title>Bread</title><script>var x=1;</script></head>"
                        + "<body><nav>menu</nav><h1>Baking bread</h1><p>Knead the dough, let it rise, and bake it in a hot oven "
                        + "until the crust is golden.</p><p>Sourdough needs a starter culture of wild yeast.</p></body></html>",
                StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("notes"));
        Files.writeString(
                dir.resolve("notes/astronomy.txt"),
                "Telescopes\n\nA telescope gathers light from distant "
                        + "stars and galaxies.\n\nRadio telescopes observe the sky at long wavelengths.\n",
                StandardCharsets.UTF_8);
        Files.write(dir.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});

        String out = console("vector:ingest --verbose --collection library " + dir);
        assertTrue(out, out.contains("[1/4]") && out.contains("chunks"));
        assertTrue(out, out.contains("image.png: skipped"));
        assertTrue(out, out.contains("Ingested 3 files into 'library'"));

        out = console("vector:search --collection library -k 2 \"how are loops optimised by a compiler\"");
        String firstRow = out.lines()
                .filter(l -> l.contains("compilers.md#") || l.contains("cooking.html#") || l.contains("astronomy.txt#"))
                .findFirst()
                .orElse("");
        assertTrue(out, firstRow.contains("compilers.md#"));

        out = console(
                "vector:search --collection library -k 5 --filter '{\"eq\":{\"source\":\"notes/astronomy.txt\"}}' \"stars\"");
        assertTrue(out, out.contains("notes/astronomy.txt#"));
        assertTrue(out, !out.contains("compilers.md#") && !out.contains("cooking.html#"));

        consoleFails("vector:search --collection library --filter '{\"range\":{}}' x", "Error: filter.range");
        consoleFails("vector:search --collection library --filter 'not json' x", "Error: filter");

        // ingesting again replaces the chunks instead of adding copies
        long before = count("library");
        console("vector:ingest --quiet --collection library " + dir);
        assertEquals(before, count("library"));

        // by default no line per file: a progress line, the summary, and what was skipped
        out = console("vector:ingest --collection library " + dir);
        assertTrue(out, !out.contains("[1/4]") && out.contains("Ingested 3 files into 'library'"));
        assertTrue(out, out.contains("  image.png: skipped (unknown document type"));
        assertTrue(out, out.contains("Replaced " + before + " chunks from an earlier ingest"));

        // a relative path starts at the console's current directory, which cd changes
        out = console("cd " + dir + " ; vector:ingest --collection relative notes");
        assertTrue(out, out.contains("Ingested 1 file into 'relative'"));
        assertEquals(
                200,
                get("/api/v1/collections/relative/records/astronomy.txt%230").status());
        console("vector:drop relative");
        // a missing path fails the command as every vector: command fails (Karaf's CommandException)
        consoleFails(
                "vector:ingest --collection library " + dir.resolve("missing"),
                dir.resolve("missing") + " does not exist");
        console("vector:drop library");
    }

    private long count(String collection) throws Exception {
        return get("/api/v1/collections/" + collection).json().get("count").asLong();
    }

    @Test
    public void collectionNamesComplete() throws Exception {
        awaitReady();
        awaitCommand("vector:list");
        console("vector:create --dimension 2 alpha-one");
        console("vector:create --dimension 2 alpha-two");
        console("vector:create --dimension 2 beta");
        Session session = sessionFactory.create(System.in, System.out, System.err);
        try {
            Command info = session.getRegistry().getCommands().stream()
                    .filter(c -> c.getScope().equals("vector") && c.getName().equals("info"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("vector:info is not registered"));
            Completer completer = info.getCompleter(true);
            List<String> candidates = new ArrayList<>();
            completer.complete(session, line("vector:info", "alp"), candidates);
            List<String> trimmed = new ArrayList<>();
            candidates.forEach(c -> trimmed.add(c.trim()));
            assertTrue(trimmed.toString(), trimmed.contains("alpha-one") && trimmed.contains("alpha-two"));
            assertTrue(trimmed.toString(), !trimmed.contains("beta"));
        } finally {
            session.close();
        }
        console("vector:drop alpha-one");
        console("vector:drop alpha-two");
        console("vector:drop beta");
    }

    /** A command line with the cursor at the end of its last argument. */
    private static CommandLine line(String... args) {
        String buffer = String.join(" ", args);
        return new CommandLine() {
            public int getCursorArgumentIndex() {
                return args.length - 1;
            }

            public String getCursorArgument() {
                return args[args.length - 1];
            }

            public int getArgumentPosition() {
                return args[args.length - 1].length();
            }

            public String[] getArguments() {
                return args;
            }

            public int getBufferPosition() {
                return buffer.length();
            }

            public String getBuffer() {
                return buffer;
            }
        };
    }

    @Test
    public void statusShowsEveryPluginKind() throws Exception {
        awaitReady();
        awaitCommand("vector:list");
        consoleShows(
                "caracal:status",
                "embedding model",
                "all-minilm-l6-v2",
                "index type",
                "flat",
                "parser",
                "text/markdown",
                "chunker",
                "paragraph",
                "http surface",
                "/api/v1/collections",
                "dev.caracal.llm.embeddings.onnx",
                "active",
                "vector-store",
                "Health: UP");
    }

    @Test
    public void gatewayFiltersAreListedInCallOrderAndByStatus() throws Exception {
        awaitReady();
        awaitCommand("gateway:filters");
        String before = console("gateway:filters");
        assertTrue(before, before.contains("security")); // the security filter comes with the distribution
        Hashtable<String, Object> audit = new Hashtable<>();
        audit.put(Constants.SERVICE_RANKING, 10);
        audit.put(GatewayFilter.NAME_PROPERTY, "audit");
        Hashtable<String, Object> quota = new Hashtable<>();
        quota.put(Constants.SERVICE_RANKING, 50); // no discovery property: a filter all the same
        ServiceRegistration<GatewayFilter> first =
                bundleContext.registerService(GatewayFilter.class, () -> "audit", audit);
        ServiceRegistration<GatewayFilter> second =
                bundleContext.registerService(GatewayFilter.class, () -> "quota", quota);
        try {
            String out = console("gateway:filters");
            int s = out.indexOf("security");
            int q = out.indexOf("quota");
            int a = out.indexOf("audit");
            assertTrue(out, s > 0 && q > s && a > q); // the higher ranking first
            String status = console("caracal:status");
            assertTrue(status, status.lines().anyMatch(l -> l.contains("gateway filter") && l.contains("audit")));
            assertTrue(status, !status.contains("quota"));
        } finally {
            first.unregister();
            second.unregister();
        }
    }

    @Test
    public void gatewayCommandsOnTheEmbeddedDefaults() throws Exception {
        awaitReady();
        awaitCommand("llm:models");
        consoleShows("llm:providers", "all-minilm-l6-v2", "384 dimensions");
        // no chat provider, but the embedded embedding model is a target of its implicit route
        consoleShows("gateway:routes", "all-minilm-l6-v2", "local/all-minilm-l6-v2", "embeddings");
        String health = console("gateway:health");
        assertTrue(health, health.contains("No targets") || health.contains("all-minilm-l6-v2"));
        consoleFails("llm:chat -m no-such-model hello", "not_found", "no-such-model");
        consoleFails("llm:chat --max-tokens 0 -m x hello", "--max-tokens");
        consoleFails(
                "llm:chat --reasoning lots -m x hello",
                "--reasoning takes minimal, low, medium, high or a positive token budget");
    }
}
