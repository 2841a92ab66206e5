package dev.caracal.rag.text.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns document bytes into text: a byte order mark wins, then UTF-8 when the bytes are valid UTF-8, then a charset
 * the document declares, else ISO-8859-1 (which accepts any byte). Line endings become {@code \n}.
 */
final class TextDecoding {

    /** The decoded text and the charset that decoded it. */
    record Decoded(String text, Charset charset) {}

    private TextDecoding() {}

    /** Decodes with no declared charset. */
    static Decoded decode(byte[] bytes) {
        return decode(bytes, null);
    }

    /**
     * Decodes {@code bytes}; {@code declared} (may be null) is used when there is no byte order mark and the bytes are
     * not valid UTF-8 (a declared UTF-16 or UTF-32 is always used).
     */
    static Decoded decode(byte[] bytes, Charset declared) {
        int n = bytes.length;
        if (n >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            return decodeFrom(bytes, 3, StandardCharsets.UTF_8);
        }
        if (n >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            return decodeFrom(bytes, 2, StandardCharsets.UTF_16BE);
        }
        if (n >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            return decodeFrom(bytes, 2, StandardCharsets.UTF_16LE);
        }
        if (isWideUnicode(declared)) {
            return decodeFrom(bytes, 0, declared);
        }
        // valid UTF-8 wins over a declaration: text in a single-byte charset is almost never valid UTF-8 once it
        // has non-ASCII characters, while pages that declare ISO-8859-1 but are UTF-8 are common
        String utf8 = strictUtf8(bytes);
        if (utf8 != null) {
            return new Decoded(normalizeLineEndings(utf8), StandardCharsets.UTF_8);
        }
        if (declared != null && !StandardCharsets.UTF_8.equals(declared)) {
            return decodeFrom(bytes, 0, declared);
        }
        return decodeFrom(bytes, 0, StandardCharsets.ISO_8859_1);
    }

    private static boolean isWideUnicode(Charset charset) {
        if (charset == null) {
            return false;
        }
        String name = charset.name().toUpperCase(Locale.ROOT);
        return name.startsWith("UTF-16") || name.startsWith("UTF-32");
    }

    private static Decoded decodeFrom(byte[] bytes, int offset, Charset charset) {
        String text = new String(bytes, offset, bytes.length - offset, charset);
        return new Decoded(normalizeLineEndings(text), charset);
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** {@code \r\n} and lone {@code \r} become {@code \n}; a stray byte order mark character is dropped. */
    static String normalizeLineEndings(String text) {
        if (text.indexOf('\r') < 0 && text.indexOf('\uFEFF') < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                sb.append('\n');
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (c == '\uFEFF' && i == 0) {
                // a byte order mark decoded as a character
                continue;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The charset named by {@code name}, or null when it is blank, unknown or unsupported. */
    static Charset charsetOrNull(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            return Charset.forName(name.trim().replace("\"", "").replace("'", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
