package dev.caracal.rag.ingest.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Media types of documents: the type a file name's extension stands for, and the bare type of a media type string.
 * The table names common document formats, including ones no parser reads yet, so that a file is reported with its
 * type ("no parser for application/pdf") and is ingested as soon as a parser for its type is installed.
 */
final class MediaTypes {

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("txt", "text/plain"),
            Map.entry("text", "text/plain"),
            Map.entry("md", "text/markdown"),
            Map.entry("markdown", "text/markdown"),
            Map.entry("html", "text/html"),
            Map.entry("htm", "text/html"),
            Map.entry("xhtml", "application/xhtml+xml"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("odt", "application/vnd.oasis.opendocument.text"),
            Map.entry("rtf", "application/rtf"),
            Map.entry("epub", "application/epub+zip"));

    /** Other names in use for the same formats. */
    private static final Map<String, String> ALIASES = Map.of(
            "text/x-markdown", "text/markdown",
            "text/x-web-markdown", "text/markdown",
            "application/xhtml+xml", "text/html");

    private MediaTypes() {}

    /** The type a document name's extension stands for, or null when the name has no known extension. */
    static String forName(String name) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        int dot = name.lastIndexOf('.');
        if (dot <= slash + 1 || dot == name.length() - 1) {
            return null;
        }
        return BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * The bare type of a media type string, lower case, without parameters, aliases resolved
     * ({@code "Text/X-Markdown; charset=utf-8"} gives {@code text/markdown}); null for a blank string.
     */
    static String baseType(String mediaType) {
        if (mediaType == null) {
            return null;
        }
        int semicolon = mediaType.indexOf(';');
        String base = (semicolon >= 0 ? mediaType.substring(0, semicolon) : mediaType)
                .trim()
                .toLowerCase(Locale.ROOT);
        return base.isEmpty() ? null : ALIASES.getOrDefault(base, base);
    }

    /** The readable types with the extensions that stand for them: {@code text/html (.htm, .html), ...}. */
    static String describe(Set<String> readable) {
        Map<String, Set<String>> extensions = new TreeMap<>();
        for (String type : readable) {
            extensions.put(type, new TreeSet<>());
        }
        BY_EXTENSION.forEach((extension, type) -> {
            Set<String> of = extensions.get(baseType(type));
            if (of != null) {
                of.add("." + extension);
            }
        });
        StringBuilder out = new StringBuilder();
        extensions.forEach((type, of) -> {
            out.append(out.length() == 0 ? "" : ", ").append(type);
            if (!of.isEmpty()) {
                out.append(" (").append(String.join(", ", of)).append(')');
            }
        });
        return out.length() == 0 ? "none: no document parser is installed" : out.toString();
    }
}
