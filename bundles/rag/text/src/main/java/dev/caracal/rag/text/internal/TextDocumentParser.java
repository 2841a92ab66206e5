package dev.caracal.rag.text.internal;

import dev.caracal.rag.DocumentParser;
import dev.caracal.rag.ParseException;
import dev.caracal.rag.ParsedDocument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses plain text, Markdown and HTML. Bytes are decoded as UTF-8 (a byte order mark, or for HTML a declared
 * charset, is honoured; bytes that are not UTF-8 are read as ISO-8859-1) and line endings become {@code \n}.
 */
@Component(
        service = DocumentParser.class,
        property = DocumentParser.TYPES_PROPERTY + "=" + MediaTypes.PLAIN + "," + MediaTypes.MARKDOWN + ","
                + MediaTypes.HTML)
public final class TextDocumentParser implements DocumentParser {
    private static final Logger LOG = LoggerFactory.getLogger(TextDocumentParser.class);

    /** A first line longer than this is not taken as the title of a plain text. */
    static final int MAX_TITLE_CHARS = 120;

    @Override
    public Set<String> mediaTypes() {
        return MediaTypes.SUPPORTED;
    }

    @Override
    public ParsedDocument parse(InputStream content, String mediaType, String source) throws ParseException {
        String name = source == null ? "" : source;
        String type = MediaTypes.baseType(mediaType);
        if (!MediaTypes.SUPPORTED.contains(type)) {
            throw new ParseException(
                    "Unsupported media type '" + mediaType + "' for " + describe(name) + "; this parser reads "
                            + String.join(
                                    ", ", MediaTypes.SUPPORTED.stream().sorted().toList()),
                    null);
        }
        if (content == null) {
            throw new ParseException("No content for " + describe(name), null);
        }
        byte[] bytes;
        try {
            bytes = content.readAllBytes();
        } catch (IOException e) {
            throw new ParseException("Could not read " + describe(name) + ": " + e.getMessage(), e);
        }
        if (bytes.length == 0) {
            return new ParsedDocument(name, null, "", List.of(), Map.of());
        }
        Charset declared = TextDecoding.charsetOrNull(MediaTypes.charsetParameter(mediaType));
        try {
            return switch (type) {
                case MediaTypes.HTML -> html(bytes, declared, name);
                case MediaTypes.MARKDOWN -> markdown(decode(bytes, declared, name), name);
                default -> plain(decode(bytes, declared, name), name);
            };
        } catch (RuntimeException e) {
            throw new ParseException("Could not parse " + describe(name) + " as " + type + ": " + e, e);
        } catch (StackOverflowError e) {
            throw new ParseException("Could not parse " + describe(name) + " as " + type + ": nested too deeply", e);
        }
    }

    static ParsedDocument plain(String text, String source) {
        return new ParsedDocument(source, plainTitle(text), text, List.of(), Map.of());
    }

    static ParsedDocument markdown(String text, String source) {
        MarkdownConverter.Result r = MarkdownConverter.convert(text);
        return new ParsedDocument(
                source, r.title(), r.text(), r.sections().toSections(r.text().length()), r.metadata());
    }

    private static ParsedDocument html(byte[] bytes, Charset declared, String source) {
        HtmlConverter.Result r = HtmlConverter.convert(bytes, declared);
        if (!StandardCharsets.UTF_8.equals(r.charset())) {
            LOG.debug("{} decoded as {}", source, r.charset());
        }
        return new ParsedDocument(
                source, r.title(), r.text(), r.sections().toSections(r.text().length()), r.metadata());
    }

    private static String decode(byte[] bytes, Charset declared, String source) {
        TextDecoding.Decoded d = TextDecoding.decode(bytes, declared);
        if (!StandardCharsets.UTF_8.equals(d.charset())) {
            LOG.debug("{} decoded as {}", source, d.charset());
        }
        return d.text();
    }

    /** The first non-blank line when it is short enough to be a title. */
    static String plainTitle(String text) {
        int from = 0;
        while (from < text.length()) {
            int end = text.indexOf('\n', from);
            if (end < 0) {
                end = text.length();
            }
            String line = Chars.trim(text.substring(from, end));
            if (!line.isEmpty()) {
                return line.length() <= MAX_TITLE_CHARS ? line : null;
            }
            from = end + 1;
        }
        return null;
    }

    private static String describe(String source) {
        return source.isEmpty() ? "the document" : "'" + source + "'";
    }
}
