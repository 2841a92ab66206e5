package dev.caracal.rag.text.internal;

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

    private Fixtures() {}

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

    static ParsedDocument parse(String content, String mediaType) throws ParseException {
        return parse(content.getBytes(StandardCharsets.UTF_8), mediaType);
    }

    static ParsedDocument parse(byte[] content, String mediaType) throws ParseException {
        return PARSER.parse(new ByteArrayInputStream(content), mediaType, "test-source");
    }
}
