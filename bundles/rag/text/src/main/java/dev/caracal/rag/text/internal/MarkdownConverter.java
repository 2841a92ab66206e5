package dev.caracal.rag.text.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.jsoup.Jsoup;
import org.jsoup.parser.Tag;

/**
 * Markdown (CommonMark with GitHub tables and strikethrough, parsed by commonmark-java) reduced to readable text.
 * Blocks are separated by a blank line, or by a line break where the source had none between them (list items, a
 * list right after its introduction), so that the chunker's paragraphs follow the source's. Headings become their
 * text and a section; code keeps its lines; inline markup, link targets and HTML tags are dropped (an HTML block
 * becomes its text); YAML front matter becomes metadata.
 *
 * <p>The AST is walked without recursion: a quote nested 20,000 deep must not exhaust the stack.
 */
final class MarkdownConverter {

    record Result(String title, String text, Sections sections, Map<String, Object> metadata) {}

    private static final Parser PARSER = Parser.builder()
            .extensions(List.of(
                    TablesExtension.create(),
                    // "~5 ms" stays as written: only a double tilde strikes through
                    StrikethroughExtension.builder().requireTwoTildes(true).build()))
            .includeSourceSpans(IncludeSourceSpans.BLOCKS)
            .build();

    /** A kramdown/Pandoc heading id, {@code ## Title {#anchor}}: not part of the heading's text. */
    private static final Pattern HEADING_ID = Pattern.compile("[ \\t]*\\{#[^}]*}[ \\t]*$");
    /** A GitHub task list marker at the start of a list item. */
    private static final Pattern TASK = Pattern.compile("^\\[[ xX]][ \\t]+");
    /** A footnote definition's label at the start of a line (footnotes are not CommonMark: they parse as text). */
    private static final Pattern FOOTNOTE_DEFINITION = Pattern.compile("^\\[\\^[^\\]]+]:[ \\t]*");
    /** A footnote reference, {@code [^1]}. */
    private static final Pattern FOOTNOTE_REFERENCE = Pattern.compile("\\[\\^[^\\[\\]\\s]+]");

    /** The element name of an opening or closing tag. */
    private static final Pattern TAG_NAME = Pattern.compile("</?([A-Za-z][A-Za-z0-9-]*)");

    private final TextBuilder out;
    private final Sections sections;
    /** Heading text is one line: line breaks inside it become spaces. */
    private final boolean oneLine;

    /** The last source line of the block emitted before, and whether it must stand apart (heading, code, rule). */
    private int previousLastLine = -2;

    private boolean previousApart = true;

    private MarkdownConverter(TextBuilder out, Sections sections, boolean oneLine) {
        this.out = out;
        this.sections = sections;
        this.oneLine = oneLine;
    }

    static Result convert(String markdown) {
        String[] lines = markdown.split("\n", -1);
        FrontMatter frontMatter = FrontMatter.read(lines);
        int bodyStart = 0;
        for (int i = 0; i < frontMatter.bodyStart(); i++) {
            bodyStart += lines[i].length() + 1;
        }
        Node document = PARSER.parse(markdown.substring(Math.min(bodyStart, markdown.length())));
        MarkdownConverter converter = new MarkdownConverter(new TextBuilder(), new Sections(), false);
        converter.walk(document);
        Object title = frontMatter.metadata().get("title");
        String documentTitle = title instanceof String s && !s.isBlank() ? s.trim() : converter.sections.firstHeading();
        return new Result(documentTitle, converter.out.toString(), converter.sections, frontMatter.metadata());
    }

    /** Depth first through {@code root}'s descendants, without recursion. */
    private void walk(Node root) {
        Node node = root.getFirstChild();
        while (node != null) {
            if (enter(node) && node.getFirstChild() != null) {
                node = node.getFirstChild();
                continue;
            }
            while (node.getNext() == null) {
                node = node.getParent();
                if (node == root) {
                    return;
                }
            }
            node = node.getNext();
        }
    }

    /** Emits what {@code node} itself contributes; returns whether its children are to be visited. */
    private boolean enter(Node node) {
        if (node instanceof Text text) {
            out.inline(clean(text));
        } else if (node instanceof Code code) {
            out.inline(code.getLiteral());
        } else if (node instanceof SoftLineBreak || node instanceof HardLineBreak) {
            if (oneLine) {
                out.inline(" ");
            } else {
                out.lineBreak();
            }
        } else if (node instanceof HtmlInline html) {
            inlineHtml(html.getLiteral());
        } else if (node instanceof Paragraph || node instanceof TableBlock) {
            startBlock(node, false);
        } else if (node instanceof Heading heading) {
            heading(heading);
        } else if (node instanceof FencedCodeBlock code) {
            startBlock(node, true);
            out.verbatim(code.getLiteral());
        } else if (node instanceof IndentedCodeBlock code) {
            startBlock(node, true);
            out.verbatim(code.getLiteral());
        } else if (node instanceof HtmlBlock html) {
            startBlock(node, false);
            out.inline(Jsoup.parseBodyFragment(html.getLiteral()).text());
        } else if (node instanceof ThematicBreak) {
            startBlock(node, true);
        } else if (node instanceof TableRow
                && (node.getPrevious() != null || node.getParent().getPrevious() != null)) {
            out.lineBreak();
        } else if (node instanceof TableCell && node.getPrevious() != null) {
            out.separator(" | ");
        }
        return !(node instanceof LinkReferenceDefinition
                || node instanceof Heading
                || node instanceof HtmlInline
                || node instanceof HtmlBlock);
    }

    /**
     * Separates a block from the one before: a line break when it starts on the source line right after that block
     * ended, a blank line otherwise or when either stands apart.
     */
    private void startBlock(Node block, boolean apart) {
        List<SourceSpan> spans = block.getSourceSpans();
        int first = spans.isEmpty() ? previousLastLine + 2 : spans.get(0).getLineIndex();
        int last = spans.isEmpty() ? first : spans.get(spans.size() - 1).getLineIndex();
        if (!apart && !previousApart && first == previousLastLine + 1) {
            out.lineBreak();
        } else {
            out.paragraphBreak();
        }
        previousLastLine = last;
        previousApart = apart;
    }

    private void heading(Heading heading) {
        MarkdownConverter inline = new MarkdownConverter(new TextBuilder(), null, true);
        inline.walk(heading);
        String text = HEADING_ID.matcher(inline.out.toString()).replaceFirst("");
        startBlock(heading, true);
        int mark = out.length();
        out.inline(text);
        int start = out.firstVisibleFrom(mark);
        if (start < out.length()) {
            sections.add(out.substring(start), heading.getLevel(), start);
        }
    }

    /**
     * Inline HTML: a line break is a space, other tags of HTML elements and comments are dropped. What CommonMark also
     * parses as a tag but HTML has no element for is a placeholder written in angle brackets ({@code <baseUrl>},
     * {@code <your-key>}) and stays as text.
     */
    private void inlineHtml(String html) {
        Matcher tag = TAG_NAME.matcher(html);
        if (!tag.lookingAt()) {
            return; // a comment, processing instruction, declaration or CDATA section
        }
        String name = tag.group(1).toLowerCase(Locale.ROOT);
        if (name.equals("br")) {
            out.inline(" ");
        } else if (!Tag.isKnownTag(name)) {
            out.inline(html);
        }
    }

    /** A text run without task list markers and footnote labels. */
    private static String clean(Text text) {
        String literal = text.getLiteral();
        Node previous = text.getPrevious();
        if (previous == null && isFirstInListItem(text.getParent())) {
            literal = TASK.matcher(literal).replaceFirst("");
        }
        if (literal.indexOf("[^") < 0) {
            return literal;
        }
        if (previous == null || previous instanceof SoftLineBreak || previous instanceof HardLineBreak) {
            literal = FOOTNOTE_DEFINITION.matcher(literal).replaceFirst("");
        }
        return FOOTNOTE_REFERENCE.matcher(literal).replaceAll("");
    }

    private static boolean isFirstInListItem(Node block) {
        return block instanceof Paragraph && block.getPrevious() == null && block.getParent() instanceof ListItem;
    }
}
