package dev.caracal.rag.text.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * HTML to readable text with jsoup: scripts, styles, navigation and other non-content elements are dropped, block
 * elements become paragraphs (separated by a blank line), {@code pre} keeps its lines, headings become sections.
 */
final class HtmlConverter {

    /** Elements whose content is not document text. */
    private static final String NON_CONTENT =
            "script, style, nav, noscript, template, svg, math, iframe, object, embed, canvas, head";

    /** Elements that start and end a paragraph. */
    private static final Set<String> BLOCKS = Set.of(
            "address",
            "article",
            "aside",
            "blockquote",
            "body",
            "br",
            "caption",
            "center",
            "dd",
            "details",
            "dialog",
            "dir",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hgroup",
            "hr",
            "html",
            "legend",
            "li",
            "main",
            "menu",
            "ol",
            "p",
            "pre",
            "section",
            "summary",
            "table",
            "tbody",
            "tfoot",
            "thead",
            "tr",
            "ul",
            "listing",
            "plaintext",
            "xmp");

    private static final Set<String> CELLS = Set.of("td", "th");

    private static final Set<String> META_NAMES = Set.of("description", "author", "keywords");

    /** {@code <meta charset=...>} or {@code content="text/html; charset=..."} within the first bytes. */
    private static final Pattern META_CHARSET =
            Pattern.compile("<meta[^>]+charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9._:-]+)", Pattern.CASE_INSENSITIVE);

    record Result(String title, String text, Sections sections, Map<String, Object> metadata, Charset charset) {}

    private HtmlConverter() {}

    static Result convert(byte[] bytes, Charset declared) {
        Charset charset = declared != null ? declared : sniffMetaCharset(bytes);
        TextDecoding.Decoded decoded = TextDecoding.decode(bytes, charset);
        Document doc = Jsoup.parse(decoded.text());

        Map<String, Object> metadata = new LinkedHashMap<>();
        for (Element meta : doc.select("meta[name][content]")) {
            String name = meta.attr("name").trim().toLowerCase(Locale.ROOT);
            String content = Chars.trim(meta.attr("content"));
            if (META_NAMES.contains(name) && !content.isEmpty()) {
                metadata.putIfAbsent(name, content);
            }
        }
        String title = Chars.trim(doc.title());

        doc.select(NON_CONTENT).remove();
        TextBuilder out = new TextBuilder();
        Sections sections = new Sections();
        NodeTraversor.traverse(new Visitor(out, sections), doc.body() != null ? doc.body() : doc);
        String text = out.toString();

        if (title.isEmpty()) {
            title = sections.firstHeading(1);
        }
        if (title == null || title.isEmpty()) {
            title = TextDocumentParser.plainTitle(text); // e.g. a plain text wrapped in <pre>
        }
        return new Result(title == null || title.isEmpty() ? null : title, text, sections, metadata, decoded.charset());
    }

    /** The charset a document declares in a meta element near its start, or null. */
    static Charset sniffMetaCharset(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1);
        Matcher m = META_CHARSET.matcher(head);
        return m.find() ? TextDecoding.charsetOrNull(m.group(1)) : null;
    }

    private static final class Visitor implements NodeVisitor {
        private final TextBuilder out;
        private final Sections sections;
        private int preDepth;
        private int headingDepth;
        private int headingMark;
        private int headingLevel;

        Visitor(TextBuilder out, Sections sections) {
            this.out = out;
            this.sections = sections;
        }

        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode textNode) {
                if (preDepth > 0) {
                    out.verbatim(textNode.getWholeText());
                } else {
                    out.inline(textNode.getWholeText());
                }
                return;
            }
            if (!(node instanceof Element element)) {
                return;
            }
            String tag = element.normalName();
            if (BLOCKS.contains(tag)) {
                out.paragraphBreak();
            }
            if ("pre".equals(tag) || "listing".equals(tag) || "plaintext".equals(tag) || "xmp".equals(tag)) {
                preDepth++;
            }
            int level = headingLevel(tag);
            if (level > 0 && headingDepth++ == 0) {
                headingMark = out.length();
                headingLevel = level;
            }
        }

        @Override
        public void tail(Node node, int depth) {
            if (!(node instanceof Element element)) {
                return;
            }
            String tag = element.normalName();
            if ("pre".equals(tag) || "listing".equals(tag) || "plaintext".equals(tag) || "xmp".equals(tag)) {
                preDepth--;
            }
            if (headingLevel(tag) > 0 && --headingDepth == 0) {
                int start = out.firstVisibleFrom(headingMark);
                if (start < out.length()) {
                    String heading = out.substring(start).replaceAll("\\s+", " ");
                    sections.add(heading, headingLevel, start);
                }
            }
            if (BLOCKS.contains(tag)) {
                out.paragraphBreak();
            } else if (CELLS.contains(tag)) {
                out.separator(" | ");
            }
        }

        private static int headingLevel(String tag) {
            if (tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6') {
                return tag.charAt(1) - '0';
            }
            return 0;
        }
    }
}
