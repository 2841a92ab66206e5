package dev.caracal.vector.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.llm.LlmProperties;
import dev.caracal.rag.Chunker;
import dev.caracal.rag.ingest.internal.IngestionService;
import dev.caracal.rag.text.internal.ParagraphChunker;
import dev.caracal.rag.text.internal.TextDocumentParser;
import dev.caracal.security.AuditEvent;
import dev.caracal.security.AuditLog;
import dev.caracal.security.AuditQuery;
import dev.caracal.vector.VectorStore;
import dev.caracal.vector.store.internal.StoreSettings;
import dev.caracal.vector.store.internal.VectorStoreComponent;
import dev.caracal.vector.testkit.HashingEmbeddingModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every vector: command acts in the tenant {@code --tenant} names (the default tenant without it), and vector:list
 * without {@code --tenant} shows every tenant's collections with a Tenant column: the operator's view.
 */
class TenantCommandsTest {
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
        Files.writeString(docs.resolve("acme.md"), "# Acme\n\nRockets and anvils.", StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() {
        store.stop();
    }

    /** Runs {@code command} in {@code tenant} ({@code null}: no --tenant); returns stdout, or "Error: ..." if it failed. */
    String run(String tenant, VectorCommandSupport command) throws Exception {
        command.store = store;
        command.tenant = tenant;
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            command.execute();
        } catch (CommandException e) {
            return e.getNiceHelp();
        } finally {
            System.setOut(out);
        }
        return o.toString(StandardCharsets.UTF_8);
    }

    static CreateCommand create(String name) {
        CreateCommand c = new CreateCommand();
        c.name = name;
        c.dimension = 4;
        return c;
    }

    static InfoCommand info(String name) {
        InfoCommand c = new InfoCommand();
        c.name = name;
        return c;
    }

    static DropCommand drop(String name) {
        DropCommand c = new DropCommand();
        c.name = name;
        return c;
    }

    IngestCommand ingest() {
        IngestCommand c = new IngestCommand();
        c.ingestion = ingestion;
        c.path = docs.toString();
        c.collection = "docs";
        c.embedding = "hashing";
        c.quiet = true;
        return c;
    }

    static SearchCommand search(String text) {
        SearchCommand c = new SearchCommand();
        c.text = text;
        c.collection = "docs";
        return c;
    }

    @Test
    void everyCommandActsInItsTenant() throws Exception {
        assertTrue(run("acme", create("docs")).startsWith("Created collection acme/docs (4 dimensions"));
        assertTrue(run(null, create("docs")).startsWith("Created collection docs (4 dimensions"));
        assertEquals(List.of("docs"), names(store.forTenant("acme")));
        assertEquals(List.of("docs"), names(store));

        String info = run("acme", info("docs"));
        assertTrue(info.matches("(?s).*tenant\\s+\\|\\s+acme.*"), info);
        assertTrue(run("beta", info("docs")).startsWith("Error: collection 'docs' does not exist"));

        IndexCommand index = new IndexCommand();
        index.name = "docs";
        index.type = "flat";
        assertTrue(run("acme", index).contains("'acme/docs' already searches by exact scan"));
        RebuildCommand rebuild = new RebuildCommand();
        rebuild.name = "docs";
        assertTrue(run("acme", rebuild).contains("'acme/docs' has no index to rebuild"));

        assertTrue(run("acme", drop("docs")).startsWith("Dropped collection acme/docs"));
        assertEquals(List.of(), names(store.forTenant("acme")));
        assertEquals(List.of("docs"), names(store), "the default tenant's docs is left alone");
        assertTrue(run("acme", drop("docs")).startsWith("Error: collection 'docs' does not exist"));
    }

    /** The audit log the security service would register: what the commands recorded, in order. */
    static final class RecordedAudit implements AuditLog {
        final List<AuditEvent> events = new ArrayList<>();

        @Override
        public AuditEvent record(AuditEvent event) {
            events.add(event);
            return event;
        }

        @Override
        public List<AuditEvent> query(AuditQuery query) {
            return List.copyOf(events);
        }
    }

    /** A JAAS user principal as Karaf's console login puts in the session's subject. */
    record UserPrincipal(String getName) implements java.security.Principal {}

    @Test
    void destructiveCommandsAreAuditedWithTheConsoleUserAndTheirOutcome() throws Exception {
        RecordedAudit audit = new RecordedAudit();
        Subject operator = new Subject();
        operator.getPrincipals().add(new UserPrincipal("ops"));
        @SuppressWarnings("removal")
        List<String> outputs = Subject.doAs(operator, (PrivilegedExceptionAction<List<String>>) () -> {
            List<String> out = new ArrayList<>();
            for (VectorCommandSupport c : List.of(
                    create("docs"),
                    indexTo("hnsw"),
                    indexTo("flat"),
                    rebuildDocs(),
                    info("docs"),
                    drop("docs"),
                    drop("docs"))) {
                c.audit = audit;
                out.add(run("acme", c));
            }
            return out;
        });
        assertTrue(outputs.get(6).startsWith("Error: collection 'docs' does not exist"), outputs.toString());
        assertEquals(
                List.of(
                        "collection.create ok",
                        "index.change failed",
                        "index.change ok",
                        "index.rebuild ok",
                        "collection.drop ok",
                        "collection.drop failed"),
                audit.events.stream().map(e -> e.action() + " " + e.outcome()).toList(),
                "vector:info changes nothing and is not recorded");
        for (AuditEvent e : audit.events) {
            assertEquals("console (ops)", e.actor());
            assertEquals("acme", e.tenant());
            assertEquals("collection docs", e.target());
        }
        assertTrue(
                audit.events.get(1).detail().startsWith("console vector:index: "),
                audit.events.get(1).detail());
        assertTrue(
                audit.events.get(5).detail().contains("vector:drop: collection 'docs' does not exist"),
                audit.events.get(5).detail());

        // without the security feature (no audit log) the commands work as before
        assertTrue(run("acme", create("other")).startsWith("Created collection acme/other"));
    }

    static IndexCommand indexTo(String type) {
        IndexCommand index = new IndexCommand();
        index.name = "docs";
        index.type = type;
        return index;
    }

    static RebuildCommand rebuildDocs() {
        RebuildCommand rebuild = new RebuildCommand();
        rebuild.name = "docs";
        return rebuild;
    }

    @Test
    void ingestAndSearchActInTheTenantToo() throws Exception {
        String out = run("acme", ingest());
        assertTrue(out.contains("Created collection 'acme/docs'"), out);
        assertTrue(out.contains("Ingested 1 file into 'acme/docs'"), out);
        assertTrue(store.forTenant("acme").get("docs", "acme.md#0").isPresent());
        assertEquals(List.of(), names(store), "nothing in the default tenant");

        String hits = run("acme", search("rockets"));
        assertTrue(hits.contains("acme.md#0"), hits);
        assertTrue(run("beta", search("rockets")).startsWith("Error: collection 'docs' does not exist"));
    }

    @Test
    void listShowsEveryTenantWithATenantColumnOrOneTenant() throws Exception {
        assertTrue(run(null, new ListCommand()).startsWith("No collections yet"));
        run("acme", create("docs"));
        run("acme", create("zeta"));
        run(null, create("shared"));
        run("beta", create("docs"));

        String all = run(null, new ListCommand());
        List<String> lines = all.lines().toList();
        assertTrue(lines.get(0).matches("Tenant\\s+\\|\\s+Name\\s+\\|.*"), all);
        List<String> rows = lines.stream()
                .skip(2)
                .map(l -> l.replaceAll("\\s*\\|\\s*", "|").split("\\|"))
                .map(cells -> cells[0] + "/" + cells[1])
                .toList();
        assertEquals(List.of("acme/docs", "acme/zeta", "beta/docs", "default/shared"), rows, all);

        String one = run("acme", new ListCommand());
        assertFalse(one.contains("Tenant"), one);
        assertTrue(one.contains("zeta") && !one.contains("shared"), one);
        String none = run("nobody", new ListCommand());
        assertTrue(none.startsWith("Tenant nobody has no collections"), none);
        String defaultOnly = run("default", new ListCommand());
        assertTrue(defaultOnly.contains("shared") && !defaultOnly.contains("zeta"), defaultOnly);
    }

    @Test
    void anInvalidTenantIsAnErrorNamingIt() throws Exception {
        String out = run("Not/A/Tenant", new ListCommand());
        assertTrue(out.startsWith("Error: tenant: invalid tenant name 'Not/A/Tenant'"), out);
        assertTrue(run("..", create("x")).startsWith("Error: tenant: invalid tenant name"));
        assertEquals(List.of(), List.copyOf(store.collectionsByTenant().keySet()));
    }

    @Test
    void theCollectionCompleterFollowsTheTenantOnTheLine() {
        assertEquals("default", CollectionCompleter.tenantOf(new String[] {"vector:info", "do"}));
        assertEquals("acme", CollectionCompleter.tenantOf(new String[] {"vector:info", "--tenant", "acme", "do"}));
        assertEquals("acme", CollectionCompleter.tenantOf(new String[] {"vector:info", "-t", "acme", "do"}));
        assertEquals("acme", CollectionCompleter.tenantOf(new String[] {"vector:info", "--tenant=acme"}));
        assertEquals("default", CollectionCompleter.tenantOf(null));
    }

    static List<String> names(VectorStore s) {
        return s.listCollections().stream().map(c -> c.spec().name()).toList();
    }
}
