package dev.caracal.rag.text.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The media types this bundle parses, and how file names and media type strings map onto them. */
public final class MediaTypes {
    public static final String PLAIN = "text/plain";
    public static final String MARKDOWN = "text/markdown";
    public static final String HTML = "text/html";

    /** The types registered in {@code caracal.parser.types}. */
    public static final Set<String> SUPPORTED = Set.of(PLAIN, MARKDOWN, HTML);

    private static final Map<String, String> BY_EXTENSION =
            Map.of("txt", PLAIN, "text", PLAIN, "md", MARKDOWN, "markdown", MARKDOWN, "html", HTML, "htm", HTML);

    /** Other names in use for the same formats. */
    private static final Map<String, String> ALIASES = Map.of(
            "text/x-markdown", MARKDOWN,
            "text/x-web-markdown", MARKDOWN,
            "application/xhtml+xml", HTML);

    private MediaTypes() {}

    /** The media type for a file name or path by its extension ({@code .txt .text .md .markdown .html .htm}). */
    public static Optional<String> forFileName(String fileName) {
        if (fileName == null) {
            return Optional.empty();
        }
        String name = fileName;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        if (slash >= 0) {
            name = name.substring(slash + 1);
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    /** The bare type of a media type string ({@code "Text/HTML; charset=utf-8"} gives {@code text/html}). */
    static String baseType(String mediaType) {
        if (mediaType == null) {
            return "";
        }
        int semicolon = mediaType.indexOf(';');
        String base = (semicolon >= 0 ? mediaType.substring(0, semicolon) : mediaType)
                .trim()
                .toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(base, base);
    }

    /** The {@code charset} parameter of a media type string, or null. */
    static String charsetParameter(String mediaType) {
        if (mediaType == null) {
            return null;
        }
        String[] parts = mediaType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                return p.substring(eq + 1).trim();
            }
        }
        return null;
    }
}
