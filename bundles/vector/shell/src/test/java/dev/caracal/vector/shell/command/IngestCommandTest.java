package dev.caracal.vector.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.LlmProperties;
import dev.caracal.rag.Chunker;
import dev.caracal.rag.ingest.internal.IngestionService;
import dev.caracal.rag.text.internal.ParagraphChunker;
import dev.caracal.rag.text.internal.TextDocumentParser;
import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vector:ingest over the real ingestion engine, store, parser and chunker. */
class IngestCommandTest {

    @TempDir
    Path data;

    @TempDir
    Path docs;

    VectorStoreComponent store;
    IngestionService ingestion;

    @BeforeEach
    void start() throws Exception {
        store = VectorStoreComponent.standalone(new StoreSettings(data, 1, 100, 100, 512, 1, 1));
        store.bindEmbeddingModel(
                new HashingEmbeddingModel("hashing", 4), Map.of(LlmProperties.EMBEDDING_MODEL, "hashing"));
        ingestion = new IngestionService(store);
        ingestion.bindParser(new TextDocumentParser(), Map.of());
        ingestion.bindChunker(new ParagraphChunker(), Map.of(Chunker.STRATEGY_PROPERTY, "paragraph"));
        Files.writeString(docs.resolve("a.md"), "# A\n\nAlpha.", StandardCharsets.UTF_8);
        Files.writeString(docs.resolve("b.txt"), "Bravo.\n\n" + "Long paragraph. ".repeat(80), StandardCharsets.UTF_8);
        Files.writeString(docs.resolve("c.png"), "not an image really", StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() {
        store.stop();
    }

    IngestCommand command(String path, String... flags) {
        IngestCommand c = new IngestCommand();
        c.store = store;
        c.ingestion = ingestion;
        c.path = path;
        c.collection = "docs";
        c.embedding = "hashing";
        for (String flag : flags) {
            switch (flag) {
                case "--verbose" -> c.verbose = true;
                case "--quiet" -> c.quiet = true;
                default -> throw new IllegalArgumentException(flag);
            }
        }
        return c;
    }

    /** Runs the command; returns what it printed to stdout and stderr, together. */
    String run(IngestCommand command) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            command.execute();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ingestsAFolderWithASummaryInTheRightNumberAndListsWhatItSkipped() throws Exception {
        String out = run(command(docs.toString()));
        assertTrue(out.contains("Created collection 'docs' (embedding model hashing, cosine)"), out);
        assertTrue(out.contains("Ingested 2 files into 'docs': "), out);
        assertTrue(out.contains("; 1 skipped, 0 failed"), out);
        assertTrue(out.contains("  c.png: skipped (unknown document type; ingestion reads text/html"), out);
        assertTrue(!out.contains("[1/3]"), "no line per file without --verbose: " + out);
        assertTrue(store.get("docs", "a.md#0").isPresent());

        out = run(command(docs.resolve("a.md").toString(), "--verbose"));
        assertTrue(out.contains("[1/1] a.md: 1 chunk (total 1, "), out);
        assertTrue(out.contains("Ingested 1 file into 'docs': 1 chunk in "), out);
        assertTrue(out.contains("Replaced 1 chunk from an earlier ingest; removed 0 chunks"), out);
    }

    @Test
    void aMissingPathFailsNamingItAndWhereRelativePathsStart() {
        CommandException e = assertThrows(CommandException.class, () -> run(command("no-such-folder-here")));
        Path expected = Path.of(System.getProperty("user.dir")).resolve("no-such-folder-here");
        assertTrue(e.getMessage().startsWith(expected + " does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("current directory " + System.getProperty("user.dir")), e.getMessage());
        assertTrue(e.getMessage().contains("cd changes it"), e.getMessage());

        String absolute = docs.resolve("gone").toString();
        e = assertThrows(CommandException.class, () -> run(command(absolute)));
        assertEquals(absolute + " does not exist; give an existing file or folder", e.getMessage());
    }

    @Test
    void tildeStartsAtTheHomeDirectory() throws Exception {
        String home = System.getProperty("user.home");
        System.setProperty("user.home", docs.toString());
        try {
            assertTrue(run(command("~/a.md")).contains("Ingested 1 file into 'docs'"));
            assertTrue(run(command("~", "--quiet")).contains("Ingested 2 files into 'docs'"));
        } finally {
            System.setProperty("user.home", home);
        }
    }

    @Test
    void aFileNothingCanBeReadFromFailsTheCommandWithTheReason() {
        CommandException e = assertThrows(
                CommandException.class, () -> run(command(docs.resolve("c.png").toString())));
        assertTrue(
                e.getMessage()
                        .startsWith("nothing was ingested from " + docs.resolve("c.png") + ": c.png: "
                                + "unknown document type"),
                e.getMessage());
        assertTrue(store.listCollections().isEmpty(), "no collection is created for nothing");
    }

    @Test
    void anEmptyFolderFailsTheCommand() throws Exception {
        Path empty = Files.createDirectory(docs.resolve("empty"));
        Files.writeString(Files.createDirectory(empty.resolve(".hidden")).resolve("x.txt"), "x");
        CommandException e = assertThrows(CommandException.class, () -> run(command(empty.toString())));
        assertTrue(e.getMessage().startsWith("found no files to ingest in " + empty), e.getMessage());
    }

    @Test
    void contradictoryOrIgnoredOptionsAreRefused() throws Exception {
        assertTrue(assertThrows(CommandException.class, () -> run(command(docs.toString(), "--quiet", "--verbose")))
                .getMessage()
                .contains("--quiet and --verbose"));
        IngestCommand zero = command(docs.toString());
        zero.batch = 0;
        assertTrue(assertThrows(CommandException.class, () -> run(zero))
                .getMessage()
                .contains("--batch must be a positive number"));
        store.createCollection(new CollectionSpec("docs", 0, Metric.COSINE, "hashing", IndexSpec.FLAT_SPEC));
        IngestCommand other = command(docs.toString());
        other.embedding = "all-minilm-l6-v2";
        assertTrue(assertThrows(CommandException.class, () -> run(other))
                .getMessage()
                .contains("exists with the embedding model hashing; --embedding applies only when a collection is "
                        + "created"));
        IngestCommand sameModel = command(docs.toString(), "--quiet");
        assertTrue(run(sameModel).contains("Ingested 2 files"));
    }

    @Test
    void withoutTheServiceOrAChunkerItSaysWhatToInstall() {
        IngestCommand none = command(docs.toString());
        none.ingestion = null;
        assertTrue(assertThrows(CommandException.class, () -> run(none))
                .getMessage()
                .contains("feature:install caracal-rag-ingest"));
        IngestCommand noChunker = command(docs.toString());
        noChunker.ingestion = new IngestionService(store);
        assertTrue(assertThrows(CommandException.class, () -> run(noChunker))
                .getMessage()
                .contains("caracal-rag-text"));
    }
}
