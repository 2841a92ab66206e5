package dev.caracal.rag.text.internal;

/** Character classes shared by the parsers and the chunker. */
final class Chars {
    private Chars() {}

    /** Whitespace in the widest sense: Java whitespace plus the Unicode space separators (no-break space...). */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    static boolean isBlank(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} without leading and trailing {@link #isSpace} characters. */
    static String trim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isSpace(s.charAt(a))) {
            a++;
        }
        while (b > a && isSpace(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }
}
