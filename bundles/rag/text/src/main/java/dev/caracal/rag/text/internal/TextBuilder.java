package dev.caracal.rag.text.internal;

/**
 * Builds document text from a stream of inline text, verbatim text and breaks: whitespace in inline text collapses to
 * single spaces, breaks collapse to at most one blank line, and nothing leads or trails (no whitespace at the start,
 * none before a line break, none at the end).
 */
final class TextBuilder {
    private final StringBuilder sb = new StringBuilder();
    private int pendingNewlines;
    private final StringBuilder pendingSpace = new StringBuilder();

    /** Inline text: runs of whitespace become one space. */
    void inline(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isInvisible(c)) {
                continue;
            }
            if (Chars.isSpace(c)) {
                if (pendingNewlines == 0 && sb.length() > 0 && pendingSpace.length() == 0) {
                    pendingSpace.append(' ');
                }
            } else {
                visible(c);
            }
        }
    }

    /** Verbatim text (a {@code pre} block): spaces and line breaks are kept, trailing spaces of a line dropped. */
    void verbatim(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                lineBreak();
            } else if (c == ' ' || c == '\t') {
                pendingSpace.append(c);
            } else if (Chars.isSpace(c)) {
                pendingSpace.append(' ');
            } else if (!isInvisible(c)) {
                visible(c);
            }
        }
    }

    /** A separator (between table cells) that appears only if more text follows on the same line. */
    void separator(String separator) {
        if (pendingNewlines == 0 && sb.length() > 0) {
            pendingSpace.setLength(0);
            pendingSpace.append(separator);
        }
    }

    void lineBreak() {
        pendingSpace.setLength(0);
        if (sb.length() > 0) {
            pendingNewlines = Math.min(2, pendingNewlines + 1);
        }
    }

    /** A paragraph break: a blank line before the next text. */
    void paragraphBreak() {
        pendingSpace.setLength(0);
        if (sb.length() > 0) {
            pendingNewlines = 2;
        }
    }

    /** Length of the text produced so far (pending whitespace excluded). */
    int length() {
        return sb.length();
    }

    /** The index of the first non-whitespace character at or after {@code from}, or {@link #length()}. */
    int firstVisibleFrom(int from) {
        int i = from;
        while (i < sb.length() && Chars.isSpace(sb.charAt(i))) {
            i++;
        }
        return i;
    }

    String substring(int from) {
        return sb.substring(from);
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    private void visible(char c) {
        if (sb.length() > 0) {
            for (int k = 0; k < pendingNewlines; k++) {
                sb.append('\n');
            }
            sb.append(pendingSpace);
        }
        pendingNewlines = 0;
        pendingSpace.setLength(0);
        sb.append(c);
    }

    /** Soft hyphens and zero-width characters carry no text. */
    private static boolean isInvisible(char c) {
        return c == '\u00AD' || c == '\u200B' || c == '\u2060' || c == '\uFEFF';
    }
}
