package dev.caracal.rag.ingest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.rag.ingest.Document;
import dev.caracal.rag.ingest.DocumentResult;
import dev.caracal.rag.ingest.DocumentResult.Outcome;
import dev.caracal.rag.ingest.IngestRequest;
import dev.caracal.rag.ingest.IngestResult;
import dev.caracal.rag.ingest.InvalidIngestRequestException;
import dev.caracal.vector.InvalidRequestException;
import dev.caracal.vector.SearchRequest;
import dev.caracal.vector.VectorStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Documents that are not local files: bytes and streams with a name and a media type, as REST and RAG send them. */
class DocumentIngestionTest extends IngestionTestSupport {

    IngestResult ingest(Document... documents) {
        return ingestion.ingest(IngestRequest.documents("default", "docs", List.of(documents), options(16)), lines);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bytesWithANameAndAMediaTypeBecomeOneRecordPerChunk() {
        IngestResult r = ingest(
                Document.of("notes/compilers", "text/markdown", utf8("# Compilers\n\n" + paragraphs(3, "loops"))));
        assertEquals(1, r.ingested());
        DocumentResult d = r.documents().get(0);
        assertEquals("text/markdown", d.mediaType());
        assertTrue(d.chunks() >= 3, d.toString());
        assertEquals(d.chunks(), store.count("docs"));
        var first = store.get("docs", "notes/compilers#0").orElseThrow();
        assertEquals("notes/compilers", first.metadata().get("source"));
        assertEquals("Compilers", first.metadata().get("title"));
        assertEquals(d.chunks(), ((Number) first.metadata().get("chunks")).intValue());
    }

    @Test
    void aStreamOfUnknownLengthIsReadAndAMediaTypeParameterReachesTheParser() {
        byte[] latin1 = "Caf\u00e9 cr\u00e8me.".getBytes(StandardCharsets.ISO_8859_1);
        Document stream =
                new Document("menu.txt", "text/plain; charset=ISO-8859-1", -1, () -> new ByteArrayInputStream(latin1));
        IngestResult r = ingest(stream);
        assertEquals(1, r.ingested(), r.problems().toString());
        assertEquals("text/plain", r.documents().get(0).mediaType());
        assertEquals(
                "Caf\u00e9 cr\u00e8me.",
                store.get("docs", "menu.txt#0").orElseThrow().text());
    }

    @Test
    void withoutAMediaTypeTheNameDecidesAndAliasesAreUnderstood() {
        IngestResult r = ingest(
                Document.of("page.HTML", null, utf8("<h1>Page</h1><p>Some text.</p>")),
                Document.of("readme", "text/x-markdown", utf8("# Readme\n\nText.")),
                Document.of("blob", null, utf8("bytes")));
        assertEquals(List.of(Outcome.INGESTED, Outcome.INGESTED, Outcome.UNSUPPORTED), outcomes(r));
        assertEquals("text/html", r.documents().get(0).mediaType());
        assertEquals("text/markdown", r.documents().get(1).mediaType());
        assertTrue(r.documents().get(2).reason().startsWith("unknown document type; ingestion reads text/html"));
    }

    @Test
    void aDocumentWhoseParserIsMissingIsSkippedWithTheReasonAndTheOthersAreIngested() {
        IngestResult r = ingest(
                Document.of("a.txt", "text/plain", utf8("Alpha.")),
                Document.of("scan.pdf", "application/pdf", utf8("%PDF-1.7")),
                Document.of("c.txt", "text/plain", utf8("Charlie.")));
        assertEquals(List.of(Outcome.INGESTED, Outcome.UNSUPPORTED, Outcome.INGESTED), outcomes(r));
        assertTrue(
                r.documents().get(1).reason().startsWith("no parser for application/pdf"),
                r.problems().toString());
        assertEquals(2, store.count("docs"));
    }

    @Test
    void parsersComeAndGo() {
        ingestion.unbindParser(parser);
        assertEquals(Set.of(), ingestion.mediaTypes());
        IngestResult without = ingest(Document.of("a.txt", "text/plain", utf8("Alpha.")));
        assertEquals(Outcome.UNSUPPORTED, without.documents().get(0).outcome());
        assertTrue(without.documents().get(0).reason().contains("none: no document parser is installed"));

        ingestion.bindParser(parser, Map.of());
        assertEquals(Set.of("text/plain", "text/markdown", "text/html"), ingestion.mediaTypes());
        assertEquals(
                1, ingest(Document.of("a.txt", "text/plain", utf8("Alpha."))).ingested());
    }

    @Test
    void theBestRankedParserForATypeServesIt() {
        dev.caracal.rag.DocumentParser shouting = new dev.caracal.rag.DocumentParser() {
            public Set<String> mediaTypes() {
                return Set.of("text/plain");
            }

            public dev.caracal.rag.ParsedDocument parse(InputStream in, String type, String source) {
                return new dev.caracal.rag.ParsedDocument(source, null, "SHOUTED.", List.of(), Map.of());
            }
        };
        ingestion.bindParser(shouting, Map.of("service.ranking", 5, "service.id", 20L));
        ingest(Document.of("a.txt", "text/plain", utf8("quiet.")));
        assertEquals("SHOUTED.", store.get("docs", "a.txt#0").orElseThrow().text());
        ingestion.unbindParser(shouting);
        ingest(Document.of("a.txt", "text/plain", utf8("quiet.")));
        assertEquals("quiet.", store.get("docs", "a.txt#0").orElseThrow().text());
    }

    @Test
    void aDocumentOverTheLimitIsSkippedWhetherItsSizeIsDeclaredOrNot() {
        IngestionService small = engine(1000);
        byte[] big = utf8("word ".repeat(300));
        IngestResult r = small.ingest(
                IngestRequest.documents(
                        "default",
                        "docs",
                        List.of(
                                Document.of("declared.txt", "text/plain", big),
                                new Document("undeclared.txt", "text/plain", -1, () -> new ByteArrayInputStream(big)),
                                new Document("understated.txt", "text/plain", 10, () -> new ByteArrayInputStream(big)),
                                Document.of("fits.txt", "text/plain", utf8("Small."))),
                        options(16)),
                lines);
        assertEquals(List.of(Outcome.TOO_LARGE, Outcome.TOO_LARGE, Outcome.TOO_LARGE, Outcome.INGESTED), outcomes(r));
        assertEquals("larger than 1000 bytes", r.documents().get(1).reason());
        assertEquals(1, store.count("docs"));
    }

    @Test
    void aStreamThatCannotBeOpenedFailsWithItsReason() {
        IngestResult r = ingest(new Document("gone.txt", "text/plain", -1, () -> {
            throw new java.io.IOException("connection reset");
        }));
        assertEquals(Outcome.FAILED, r.documents().get(0).outcome());
        assertEquals(List.of("gone.txt: connection reset"), r.problems());
    }

    @Test
    void documentNamesMustBeGivenPrintableAndUnique() {
        assertEquals(
                "documents[1].name", fieldOf(Document.of("a.txt", null, utf8("A")), Document.of(" ", null, utf8("B"))));
        assertEquals("documents[0].name", fieldOf(Document.of("tab\there.txt", null, utf8("A"))));
        assertEquals("documents[0].name", fieldOf(Document.of("x".repeat(401), null, utf8("A"))));
        InvalidIngestRequestException duplicate = assertThrows(
                InvalidIngestRequestException.class,
                () -> ingest(Document.of("a.txt", null, utf8("A")), Document.of("a.txt", null, utf8("B"))));
        assertEquals("documents[1].name", duplicate.field());
        assertTrue(duplicate.getMessage().contains("also documents[0]"), duplicate.getMessage());
        assertTrue(store.listCollections().isEmpty(), "nothing is written for a refused request");
    }

    @Test
    void aRequestNamesItsCollectionAndEitherAPathOrDocuments() {
        assertEquals(
                "collection",
                assertThrows(
                                InvalidIngestRequestException.class,
                                () -> IngestRequest.documents(
                                        "default", " ", List.of(Document.of("a", null, utf8("A"))), null))
                        .field());
        assertEquals(
                "documents",
                assertThrows(
                                InvalidIngestRequestException.class,
                                () -> IngestRequest.documents("default", "docs", List.of(), null))
                        .field());
        assertEquals(
                "options.batchSize",
                assertThrows(InvalidIngestRequestException.class, () -> options(0))
                        .field());
    }

    @Test
    void aRequestNamesItsTenantAndWritesIntoThatTenantsCollectionOnly() {
        assertEquals(
                "tenant",
                assertThrows(
                                InvalidIngestRequestException.class,
                                () -> IngestRequest.documents(
                                        null, "docs", List.of(Document.of("a", null, utf8("A"))), null))
                        .field());
        assertEquals(
                "tenant",
                assertThrows(
                                InvalidRequestException.class,
                                () -> ingestion.ingest(IngestRequest.documents(
                                        "Not/A-Tenant", "docs", List.of(Document.of("a.txt", null, utf8("A"))), null)))
                        .field());

        // tenants a and b each get their own 'docs', created on first write; the default tenant gets none
        IngestResult a = ingestion.ingest(IngestRequest.documents(
                "a", "docs", List.of(Document.of("a.txt", "text/plain", utf8("Apples of tenant a."))), options(16)));
        IngestResult b = ingestion.ingest(IngestRequest.documents(
                "b", "docs", List.of(Document.of("b.txt", "text/plain", utf8("Bananas of tenant b."))), options(16)));
        assertTrue(a.created());
        assertTrue(b.created(), "b's docs is another collection than a's");
        assertEquals(Set.of("a.txt#0"), ids("a"));
        assertEquals(Set.of("b.txt#0"), ids("b"));
        assertTrue(store.listCollections().isEmpty());

        // ingesting a's document again in b replaces nothing of a's
        IngestResult again = ingestion.ingest(IngestRequest.documents(
                "b", "docs", List.of(Document.of("a.txt", "text/plain", utf8("Not a's apples."))), options(16)));
        assertEquals(0, again.replaced());
        assertEquals(
                "Apples of tenant a.",
                store.forTenant("a").get("docs", "a.txt#0").orElseThrow().text());
    }

    private Set<String> ids(String tenant) {
        VectorStore view = store.forTenant(tenant);
        Set<String> out = new java.util.TreeSet<>();
        for (var hit :
                view.search("docs", SearchRequest.ofText("tenant", 10, null)).hits()) {
            out.add(hit.id());
        }
        return out;
    }

    @Test
    void reIngestingADocumentReportsWhatItReplacedAndRemoved() {
        ingest(Document.of("long.txt", "text/plain", utf8(paragraphs(5, "before"))));
        long before = store.count("docs");
        IngestResult again = ingest(Document.of("long.txt", "text/plain", utf8("Short now.")));
        DocumentResult d = again.documents().get(0);
        assertEquals(1, d.chunks());
        assertEquals(1, d.replaced());
        assertEquals(before - 1, d.removed());
        assertEquals(1, store.count("docs"));
        IngestResult empty = ingest(Document.of("long.txt", "text/plain", utf8("")));
        assertEquals(0, empty.documents().get(0).chunks());
        assertEquals(1, empty.removed(), "a document without text keeps no records");
        assertEquals(0, store.count("docs"));
    }

    private String fieldOf(Document... documents) {
        return assertThrows(InvalidIngestRequestException.class, () -> ingest(documents))
                .field();
    }

    private static List<Outcome> outcomes(IngestResult r) {
        return r.documents().stream().map(DocumentResult::outcome).toList();
    }
}
