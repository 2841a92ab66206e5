package dev.caracal.rag.text.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.parser.Parser;

/**
 * Markdown (CommonMark and the usual GitHub extensions) reduced to readable text. Works line by line: blocks
 * (paragraphs, lists, quotes, tables, code) are separated by one blank line in the output, headings become their text
 * and a section, inline markup is removed, code is kept as written, YAML front matter becomes metadata.
 */
final class MarkdownConverter {

    record Result(String title, String text, Sections sections, Map<String, Object> metadata) {}

    private enum Kind {
        NONE,
        PARAGRAPH,
        LIST,
        TABLE,
        CODE
    }

    // blocks
    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*))?$");
    private static final Pattern ATX_CLOSING = Pattern.compile("(?:^|[ \\t]+)#+[ \\t]*$");
    private static final Pattern HEADING_ID = Pattern.compile("[ \\t]*\\{#[^}]*}[ \\t]*$");
    private static final Pattern FENCE_OPEN = Pattern.compile("^([ \\t]*)(`{3,}|~{3,})(.*)$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)[ \\t]*$");
    private static final Pattern LIST_ITEM = Pattern.compile("^([ \\t]*)(?:[-*+]|\\d{1,9}[.)])(?:[ \\t]+(.*))?$");
    private static final Pattern TASK = Pattern.compile("^\\[[ xX]][ \\t]+");
    private static final Pattern QUOTE = Pattern.compile("^ {0,3}> ?");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[([^\\]^][^\\]]*)]:[ \\t]*\\S+.*$");
    private static final Pattern FOOTNOTE_DEFINITION = Pattern.compile("^ {0,3}\\[\\^[^\\]]+]:[ \\t]*(.*)$");
    private static final Pattern TABLE_CELL_SPLIT = Pattern.compile("(?<!\\\\)\\|");
    private static final Pattern FRONT_MATTER_KEY =
            Pattern.compile("^([A-Za-z0-9_][A-Za-z0-9_.-]*)[ \\t]*:(?:[ \\t]+(.*))?$");

    // inline; spans are bounded so that an unclosed marker costs linear time, not quadratic
    private static final int SPAN = 1000;
    private static final String NOT_WORD_BEFORE = "(?<![\\p{L}\\p{N}_])";
    private static final String NOT_WORD_AFTER = "(?![\\p{L}\\p{N}_])";
    private static final Pattern ESCAPE = Pattern.compile("\\\\([!-/:-@\\[-`{-~])");
    private static final Pattern CODE_SPAN =
            Pattern.compile("(?<!`)(`+)(?!`)(.{1," + SPAN + "}?)(?<!`)\\1(?!`)", Pattern.DOTALL);
    private static final Pattern AUTOLINK =
            Pattern.compile("<((?:https?|ftp|mailto):[^\\s<>]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,})>");
    private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern HTML_BREAK = Pattern.compile("<br\\s*/?>", Pattern.CASE_INSENSITIVE);
    private static final Pattern HTML_TAG = Pattern.compile(
            "</?(?:a|abbr|article|aside|audio|b|big|blockquote|br"
                    + "|button|center|cite|code|col|colgroup|dd|del|details|dfn|div|dl|dt|em|figcaption|figure|font|footer"
                    + "|h[1-6]|header|hr|i|iframe|img|input|ins|kbd|label|li|link|main|mark|meta|nav|ol|p|picture|pre|q|s"
                    + "|samp|section|small|source|span|strike|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|tr|tt|u"
                    + "|ul|var|video|wbr)\\b[^<>]*>",
            Pattern.CASE_INSENSITIVE);
    /** A link destination; group repetitions are bounded, as each one costs the regex engine a stack frame. */
    private static final String DESTINATION = "\\((?:[^()]++|\\([^()]*+\\)){0,64}+\\)";

    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\[\\]]*)]" + DESTINATION);
    private static final Pattern IMAGE_REFERENCE = Pattern.compile("!\\[([^\\[\\]]*)]\\[[^\\[\\]]*]");
    private static final Pattern LINK = Pattern.compile("\\[([^\\[\\]]*)]" + DESTINATION);
    private static final Pattern LINK_REFERENCE = Pattern.compile("\\[([^\\[\\]]+)]\\[[^\\[\\]]*]");
    private static final Pattern SHORTCUT_REFERENCE = Pattern.compile("\\[([^\\[\\]]+)](?![(\\[:])");
    private static final Pattern FOOTNOTE_REFERENCE = Pattern.compile("\\[\\^[^\\[\\]\\s]+]");
    private static final Pattern STRONG_STAR =
            Pattern.compile("\\*\\*(?=\\S)(.{1," + SPAN + "}?)(?<=\\S)\\*\\*", Pattern.DOTALL);
    private static final Pattern STRONG_UNDERSCORE = Pattern.compile(
            NOT_WORD_BEFORE + "__(?=\\S)(.{1," + SPAN + "}?)(?<=\\S)__" + NOT_WORD_AFTER, Pattern.DOTALL);
    private static final Pattern EM_STAR = Pattern.compile("\\*(?=\\S)(.{1," + SPAN + "}?)(?<=\\S)\\*", Pattern.DOTALL);
    private static final Pattern EM_UNDERSCORE =
            Pattern.compile(NOT_WORD_BEFORE + "_(?=\\S)(.{1," + SPAN + "}?)(?<=\\S)_" + NOT_WORD_AFTER, Pattern.DOTALL);
    private static final Pattern STRIKE = Pattern.compile("~~(?=\\S)(.{1," + SPAN + "}?)(?<=\\S)~~", Pattern.DOTALL);
    private static final Pattern BLANK_LINES = Pattern.compile("\\n[ \\t]*(?=\\n)");

    /** Markdown punctuation inside code and escapes is shifted into the private use area while markup is removed. */
    private static final char PROTECT = '\uE000';

    private final String[] lines;
    private final StringBuilder text = new StringBuilder();
    private final Sections sections = new Sections();
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final Set<String> referenceLabels = new HashSet<>();

    private final List<String> block = new ArrayList<>();
    private Kind kind = Kind.NONE;
    private boolean listContext;

    private MarkdownConverter(String markdown) {
        this.lines = markdown.split("\n", -1);
    }

    static Result convert(String markdown) {
        MarkdownConverter c = new MarkdownConverter(markdown);
        int first = c.frontMatter();
        c.collectReferenceLabels(first);
        c.blocks(first);
        Object fmTitle = c.metadata.get("title");
        String title = fmTitle instanceof String s && !s.isBlank() ? s.trim() : c.sections.firstHeading();
        return new Result(title, c.text.toString(), c.sections, c.metadata);
    }

    // ---- front matter

    /** Reads a leading {@code ---} YAML block into metadata; returns the index of the first line after it. */
    private int frontMatter() {
        if (lines.length < 3 || !lines[0].strip().equals("---")) {
            return 0;
        }
        int end = -1;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.equals("---") || l.equals("...")) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return 0;
        }
        Map<String, StringBuilder> values = new LinkedHashMap<>();
        Map<String, String> joiners = new LinkedHashMap<>();
        String key = null;
        for (int i = 1; i < end; i++) {
            String line = lines[i];
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            Matcher m = FRONT_MATTER_KEY.matcher(line);
            if (m.matches()) {
                key = m.group(1);
                String value = m.group(2) == null ? "" : m.group(2).strip();
                String joiner = "\n";
                if (value.startsWith(">")) {
                    joiner = " ";
                    value = "";
                } else if (value.startsWith("|")) {
                    value = "";
                }
                values.put(key, new StringBuilder(unquote(value)));
                joiners.put(key, joiner);
            } else if (key != null) {
                String item = line.strip();
                String joiner = joiners.get(key);
                if (item.startsWith("- ") || item.equals("-")) {
                    item = unquote(item.substring(1).strip());
                    joiner = ", ";
                }
                StringBuilder v = values.get(key);
                if (v.length() > 0) {
                    v.append(joiner);
                }
                v.append(item);
            }
        }
        if (values.isEmpty()) {
            return 0;
        }
        values.forEach((k, v) -> {
            if (!v.isEmpty()) {
                metadata.put(k, v.toString());
            }
        });
        return end + 1;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private void collectReferenceLabels(int first) {
        for (int i = first; i < lines.length; i++) {
            Matcher m = REFERENCE_DEFINITION.matcher(lines[i]);
            if (m.matches()) {
                referenceLabels.add(m.group(1).strip().toLowerCase(Locale.ROOT));
            }
        }
    }

    // ---- blocks

    private void blocks(int first) {
        boolean inComment = false;
        for (int i = first; i < lines.length; i++) {
            String line = lines[i];

            if (inComment) {
                int close = line.indexOf("-->");
                if (close < 0) {
                    continue;
                }
                inComment = false;
                line = line.substring(close + 3);
                if (line.isBlank()) {
                    continue;
                }
            }
            int open = line.indexOf("<!--");
            if (open >= 0 && line.indexOf("-->", open + 4) < 0 && !inCodeSpan(line, open)) {
                inComment = true;
                line = line.substring(0, open);
                if (line.isBlank()) {
                    continue;
                }
            }

            while (true) {
                Matcher q = QUOTE.matcher(line);
                if (!q.find()) {
                    break;
                }
                line = line.substring(q.end());
            }
            if (line.isBlank()) {
                flush();
                continue;
            }

            if (kind == Kind.TABLE && line.indexOf('|') < 0) {
                flush();
            }
            Matcher fence = FENCE_OPEN.matcher(line);
            if (fence.matches()
                    && (fence.group(2).charAt(0) == '~' || fence.group(3).indexOf('`') < 0)) {
                flush();
                i = fencedCode(i, fence.group(1), fence.group(2));
                continue;
            }
            Matcher atx = ATX.matcher(line);
            if (atx.matches()) {
                flush();
                listContext = false;
                String content = atx.group(2) == null
                        ? ""
                        : ATX_CLOSING.matcher(atx.group(2)).replaceFirst("");
                heading(content, atx.group(1).length());
                continue;
            }
            if (kind == Kind.PARAGRAPH
                    && !block.isEmpty()
                    && block.get(block.size() - 1).indexOf('|') >= 0
                    && isTableSeparator(line)) {
                kind = Kind.TABLE;
                continue;
            }
            Matcher setext = SETEXT.matcher(line);
            if (setext.matches() && kind == Kind.PARAGRAPH && !block.isEmpty()) {
                String content = String.join(" ", block);
                block.clear();
                kind = Kind.NONE;
                heading(content, setext.group(1).charAt(0) == '=' ? 1 : 2);
                continue;
            }
            if (isThematicBreak(line)) {
                flush();
                continue;
            }
            if (REFERENCE_DEFINITION.matcher(line).matches()) {
                continue;
            }
            Matcher footnote = FOOTNOTE_DEFINITION.matcher(line);
            if (footnote.matches()) {
                flush();
                add(footnote.group(1), Kind.PARAGRAPH);
                continue;
            }
            Matcher item = LIST_ITEM.matcher(line);
            if (item.matches()) {
                listContext = true;
                String content =
                        item.group(2) == null ? "" : TASK.matcher(item.group(2)).replaceFirst("");
                add(content, Kind.LIST);
                continue;
            }
            int indent = indentColumns(line);
            if (indent >= 4 && (kind == Kind.NONE || kind == Kind.CODE) && !listContext) {
                kind = Kind.CODE;
                block.add(stripColumns(line, 4).stripTrailing());
                continue;
            }
            if (kind == Kind.CODE) {
                flush();
            }
            if (indent == 0 && kind == Kind.NONE) {
                listContext = false;
            }
            add(line, Kind.PARAGRAPH);
        }
        flush();
    }

    /** Adds a line to the current block; a block's kind is set by its first line. */
    private void add(String line, Kind lineKind) {
        if (kind == Kind.NONE) {
            kind = lineKind;
        }
        String l = line.strip();
        if (l.endsWith("\\") && !l.endsWith("\\\\")) {
            l = l.substring(0, l.length() - 1).stripTrailing(); // hard line break
        }
        block.add(l);
    }

    /** Emits a fenced code block's content verbatim; returns the index of its closing fence (or the last line). */
    private int fencedCode(int openIndex, String indent, String marker) {
        int indentColumns = indentColumns(indent + "x");
        char fenceChar = marker.charAt(0);
        List<String> code = new ArrayList<>();
        int i = openIndex + 1;
        for (; i < lines.length; i++) {
            String l = lines[i];
            String s = l.strip();
            if (s.length() >= marker.length()
                    && s.chars().allMatch(ch -> ch == fenceChar)
                    && indentColumns(l) < indentColumns + 4) {
                break;
            }
            code.add(stripColumns(l, indentColumns).stripTrailing());
        }
        emitVerbatim(code);
        return i;
    }

    private void flush() {
        if (block.isEmpty()) {
            kind = Kind.NONE;
            return;
        }
        if (kind == Kind.CODE) {
            emitVerbatim(block);
        } else {
            List<String> ls = kind == Kind.TABLE ? tableRows(block) : block;
            String processed = inline(String.join("\n", ls));
            processed = BLANK_LINES.matcher(processed).replaceAll("");
            emit(Chars.trim(processed));
        }
        block.clear();
        kind = Kind.NONE;
    }

    private static List<String> tableRows(List<String> rows) {
        List<String> out = new ArrayList<>(rows.size());
        for (String row : rows) {
            String r = row.strip();
            if (r.startsWith("|")) {
                r = r.substring(1);
            }
            if (r.endsWith("|") && !r.endsWith("\\|")) {
                r = r.substring(0, r.length() - 1);
            }
            List<String> cells = new ArrayList<>();
            for (String cell : TABLE_CELL_SPLIT.split(r, -1)) {
                if (!cell.isBlank()) {
                    cells.add(cell.strip());
                }
            }
            out.add(String.join(" | ", cells));
        }
        return out;
    }

    private void heading(String raw, int level) {
        String h = HEADING_ID.matcher(raw).replaceFirst("");
        h = Chars.trim(inline(h).replaceAll("\\s+", " "));
        if (h.isEmpty()) {
            return;
        }
        int start = emit(h);
        sections.add(h, level, start);
    }

    private void emitVerbatim(List<String> code) {
        int a = 0;
        int b = code.size();
        while (a < b && code.get(a).isBlank()) {
            a++;
        }
        while (b > a && code.get(b - 1).isBlank()) {
            b--;
        }
        StringBuilder sb = new StringBuilder();
        boolean previousBlank = false;
        for (int k = a; k < b; k++) {
            String l = code.get(k);
            boolean blank = l.isBlank();
            if (blank && previousBlank) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(blank ? "" : l);
            previousBlank = blank;
        }
        emit(sb.toString());
    }

    /** Appends a block after a blank line; returns where it starts. */
    private int emit(String blockText) {
        if (Chars.isBlank(blockText)) {
            return text.length();
        }
        if (text.length() > 0) {
            text.append("\n\n");
        }
        int start = text.length();
        text.append(blockText);
        return start;
    }

    // ---- inline

    private String inline(String s) {
        String r = replace(ESCAPE, s, m -> protect(m.group(1)));
        r = replace(CODE_SPAN, r, m -> {
            String code = m.group(2);
            if (code.length() > 2 && code.startsWith(" ") && code.endsWith(" ") && !code.isBlank()) {
                code = code.substring(1, code.length() - 1);
            }
            return protect(code.replace('\n', ' '));
        });
        r = replace(AUTOLINK, r, m -> protect(m.group(1)));
        r = HTML_COMMENT.matcher(r).replaceAll("");
        r = HTML_BREAK.matcher(r).replaceAll(" ");
        r = HTML_TAG.matcher(r).replaceAll("");
        r = replace(IMAGE, r, m -> m.group(1));
        r = replace(IMAGE_REFERENCE, r, m -> m.group(1));
        r = replace(LINK, r, m -> m.group(1));
        r = replace(LINK_REFERENCE, r, m -> m.group(1));
        r = FOOTNOTE_REFERENCE.matcher(r).replaceAll("");
        if (!referenceLabels.isEmpty()) {
            r = replace(SHORTCUT_REFERENCE, r, m -> isReference(m.group(1)) ? m.group(1) : m.group());
        }
        for (int pass = 0; pass < 3; pass++) {
            String before = r;
            r = replace(STRONG_STAR, r, m -> m.group(1));
            r = replace(STRONG_UNDERSCORE, r, m -> m.group(1));
            r = replace(EM_STAR, r, m -> m.group(1));
            r = replace(EM_UNDERSCORE, r, m -> m.group(1));
            r = replace(STRIKE, r, m -> m.group(1));
            if (r.equals(before)) {
                break;
            }
        }
        if (r.indexOf('&') >= 0) {
            r = Parser.unescapeEntities(r, false);
        }
        return unprotect(r);
    }

    private boolean isReference(String label) {
        return referenceLabels.contains(label.strip().toLowerCase(Locale.ROOT));
    }

    private static String replace(Pattern p, String s, Function<Matcher, String> f) {
        Matcher m = p.matcher(s);
        if (!m.find()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        do {
            m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }

    private static String protect(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean punct = c > ' ' && c < 127 && !Character.isLetterOrDigit(c);
            sb.append(punct ? (char) (PROTECT + c) : c);
        }
        return sb.toString();
    }

    private static String unprotect(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > PROTECT && c < PROTECT + 127) {
                if (sb == null) {
                    sb = new StringBuilder(s.length()).append(s, 0, i);
                }
                sb.append((char) (c - PROTECT));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    // ---- helpers (hand-written where a regex would recurse once per character on long lines)

    /** Three or more of the same {@code - * _}, optionally with spaces between, indented at most three spaces. */
    static boolean isThematicBreak(String line) {
        if (indentColumns(line) > 3) {
            return false;
        }
        char marker = 0;
        int count = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                continue;
            }
            if (c != '-' && c != '*' && c != '_' || marker != 0 && c != marker) {
                return false;
            }
            marker = c;
            count++;
        }
        return count >= 3;
    }

    /** A table delimiter row: cells of {@code -} with optional {@code :} alignment, separated by {@code |}. */
    static boolean isTableSeparator(String line) {
        String s = line.strip();
        if (s.indexOf('|') < 0) {
            return false;
        }
        if (s.startsWith("|")) {
            s = s.substring(1);
        }
        if (s.endsWith("|")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isBlank()) {
            return false;
        }
        for (String cell : s.split("\\|", -1)) {
            String c = cell.strip();
            if (c.startsWith(":")) {
                c = c.substring(1);
            }
            if (c.endsWith(":")) {
                c = c.substring(0, c.length() - 1);
            }
            if (c.isEmpty() || !c.chars().allMatch(ch -> ch == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean inCodeSpan(String line, int index) {
        int ticks = 0;
        for (int i = 0; i < index; i++) {
            if (line.charAt(i) == '`') {
                ticks++;
            }
        }
        return ticks % 2 == 1;
    }

    private static int indentColumns(String line) {
        int col = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ') {
                col++;
            } else if (c == '\t') {
                col += 4 - col % 4;
            } else {
                return col;
            }
        }
        return col;
    }

    private static String stripColumns(String line, int columns) {
        int col = 0;
        int i = 0;
        while (i < line.length() && col < columns) {
            char c = line.charAt(i);
            if (c == ' ') {
                col++;
            } else if (c == '\t') {
                col += 4 - col % 4;
            } else {
                break;
            }
            i++;
        }
        return line.substring(i);
    }
}
