package dev.caracal.rag.text.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test resources and a shared parser. */
final class Fixtures {
    static final TextDocumentParser PARSER = new TextDocumentParser();

    /** The test documents, parsed once: an HTML article, a Markdown README with front matter, a plain-text essay. */
    static final ParsedDocument ARTICLE = parsedResource("/article.html", "text/html");

    static final ParsedDocument README = parsedResource("/readme.md", "text/markdown");
    static final ParsedDocument ESSAY = parsedResource("/essay.txt", "text/plain");

    private Fixtures() {}

    private static ParsedDocument parsedResource(String resource, String mediaType) {
        try {
            return parseResource(resource, mediaType);
        } catch (ParseException e) {
            throw new IllegalStateException("test resource " + resource + " does not parse", e);
        }
    }

    static byte[] bytes(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ParsedDocument parseResource(String resource, String mediaType) throws ParseException {
        return PARSER.parse(new ByteArrayInputStream(bytes(resource)), mediaType, resource);
    }

    /** Fails unless {@code text} contains every one of {@code parts}; the message is the text. */
    static void assertContainsAll(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), () -> "no '" + part + "' in:\n" + text);
        }
    }

    static ParsedDocument parse(String content, String mediaType) throws ParseException {
        return parse(content.getBytes(StandardCharsets.UTF_8), mediaType);
    }

    static ParsedDocument parse(byte[] content, String mediaType) throws ParseException {
        return PARSER.parse(new ByteArrayInputStream(content), mediaType, "test-source");
    }
}
