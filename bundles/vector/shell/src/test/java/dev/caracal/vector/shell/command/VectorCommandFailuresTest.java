package dev.caracal.vector.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.CollectionSpec;
import dev.caracal.vector.IndexSpec;
import dev.caracal.vector.Metric;
import dev.caracal.vector.StorageFailureException;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vector: command that fails throws Karaf's {@link CommandException} carrying the one line the console shows (so
 * {@code bin/client -b} exits non-zero with that line); it prints nothing of its own. Runs against a real store.
 */
class VectorCommandFailuresTest {
    @TempDir
    Path dir;

    VectorStoreComponent store;

    @BeforeEach
    void start() {
        store = VectorStoreComponent.standalone(new StoreSettings(dir, 2, 100, 100, 100, 1, 1));
        store.createCollection(new CollectionSpec("docs", 2, Metric.L2, null, IndexSpec.FLAT_SPEC));
    }

    @AfterEach
    void stop() {
        store.stop();
    }

    /** Runs a command that must fail: returns the line the console shows, after asserting it printed nothing. */
    String failure(VectorCommandSupport command) {
        return failure(command, store);
    }

    static String failure(VectorCommandSupport command, VectorStoreComponent store) {
        command.store = store;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CommandException thrown;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            thrown = assertThrows(CommandException.class, command::execute);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
        assertEquals("Error: " + thrown.getMessage(), thrown.getNiceHelp());
        return thrown.getNiceHelp();
    }

    static InfoCommand info(String name) {
        InfoCommand c = new InfoCommand();
        c.name = name;
        return c;
    }

    @Test
    void anUnknownCollectionSaysWhereToLook() {
        assertEquals(
                "Error: collection 'nope' does not exist; vector:list shows the collections", failure(info("nope")));
        DropCommand drop = new DropCommand();
        drop.name = "nope";
        assertEquals("Error: collection 'nope' does not exist; vector:list shows the collections", failure(drop));
    }

    @Test
    void withoutTheStoreEveryCommandSaysWhatIsMissing() {
        assertEquals(
                "Error: the vector store is not running (feature caracal-vector); see caracal:status",
                failure(new ListCommand(), null));
    }

    @Test
    void createRefusesADuplicateAndAMissingDimension() {
        CreateCommand create = new CreateCommand();
        create.name = "docs";
        create.dimension = 2;
        assertEquals(
                "Error: collection 'docs' already exists; choose another name or vector:drop it first",
                failure(create));
        CreateCommand noDimension = new CreateCommand();
        noDimension.name = "other";
        assertEquals("Error: give --dimension N, or --embedding MODEL (e.g. all-minilm-l6-v2)", failure(noDimension));
    }

    @Test
    void searchNamesTheBadField() {
        SearchCommand search = new SearchCommand();
        search.collection = "docs";
        search.text = "x";
        search.mode = "fuzzy";
        assertEquals("Error: mode: unknown mode 'fuzzy'; use vector, keyword or hybrid", failure(search));
        search.mode = "vector";
        search.filterJson = "not json";
        assertTrue(failure(search).startsWith("Error: filter: not valid JSON"));
        search.filterJson = null;
        // the collection has no embedding model: text cannot be embedded
        assertTrue(failure(search).startsWith("Error: "));
    }

    /** What a command such as vector:ingest throws for bad input or an unreadable file reaches the console the same way. */
    @Test
    void badInputAndUnreadableFilesAreFailuresButBugsAreNot() {
        IOException unreadable = new NoSuchFileException("/data/missing.txt");
        assertEquals("Error: /data/missing.txt", failure(throwing(unreadable)));
        assertEquals(
                "Error: --batch must be at least 1",
                failure(throwing(new IllegalArgumentException("--batch must be at least 1"))));
        CommandException own = new CommandException("Error: stop here", "stop here");
        VectorCommandSupport c = throwing(own);
        c.store = store;
        assertSame(own, assertThrows(CommandException.class, c::execute));
        // a bug is not dressed up as a user error: Karaf prints it as one and logs its stack trace
        IllegalStateException bug = new IllegalStateException("bug");
        VectorCommandSupport buggy = throwing(bug);
        buggy.store = store;
        assertSame(bug, assertThrows(IllegalStateException.class, buggy::execute));
    }

    /** A write the disk refused says what is wrong with the disk and where to watch it clear, in plain words. */
    @Test
    void aDiskThatRefusesWritesIsNamedWithWhereToWatchIt() {
        StorageFailureException full = new StorageFailureException(
                StorageFailureException.Reason.FULL,
                "docs",
                "the disk holding the vector data (/data) is full; collection 'docs' was not changed by this write",
                new IOException("No space left on device"));
        assertEquals(
                "Error: the disk holding the vector data (/data) is full; collection 'docs' was not changed by this "
                        + "write; caracal:status shows when the store takes writes again",
                failure(throwing(full)));
    }

    private static VectorCommandSupport throwing(Exception e) {
        return new VectorCommandSupport() {
            @Override
            protected Object run() throws Exception {
                throw e;
            }
        };
    }

    @Test
    void successPrintsWhatItPrintedAndRaisesNothing() throws Exception {
        ListCommand list = new ListCommand();
        list.store = store;
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertEquals(null, list.execute());
        } finally {
            System.setOut(out);
        }
        String table = printed.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("docs") && table.contains("l2") && table.contains("flat"), table);
    }
}
