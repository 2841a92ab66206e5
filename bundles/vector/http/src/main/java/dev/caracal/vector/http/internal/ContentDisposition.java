package dev.caracal.vector.http.internal;

import dev.caracal.core.http.ProblemException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

/**
 * The file name of a {@code Content-Disposition} header (RFC 6266): {@code filename*} (RFC 8187,
 * {@code UTF-8''n%C3%B6tes.md}) when given, else {@code filename} (a token or a quoted string).
 */
final class ContentDisposition {

    private ContentDisposition() {}

    /** The file name, or null when the header is absent or names none; a 400 naming the header when malformed. */
    static String filename(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String plain = null;
        String extended = null;
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            int eq = header.indexOf('=', i + 1);
            if (eq < 0) {
                break;
            }
            int semicolon = header.indexOf(';', i + 1);
            if (semicolon >= 0 && semicolon < eq) {
                i = semicolon; // a parameter without a value
                continue;
            }
            String key = header.substring(i + 1, eq).trim().toLowerCase(Locale.ROOT);
            int start = eq + 1;
            while (start < header.length() && header.charAt(start) == ' ') {
                start++;
            }
            StringBuilder value = new StringBuilder();
            int end;
            if (start < header.length() && header.charAt(start) == '"') {
                end = start + 1;
                while (end < header.length() && header.charAt(end) != '"') {
                    if (header.charAt(end) == '\\' && end + 1 < header.length()) {
                        end++;
                    }
                    value.append(header.charAt(end++));
                }
                if (end >= header.length()) {
                    throw malformed("a quoted value is not closed");
                }
                end = header.indexOf(';', end);
            } else {
                end = header.indexOf(';', start);
                value.append(header, start, end < 0 ? header.length() : end);
            }
            if (key.equals("filename")) {
                plain = value.toString().trim();
            } else if (key.equals("filename*")) {
                extended = decodeExtended(value.toString().trim());
            }
            i = end;
        }
        String name = extended != null ? extended : plain;
        return name == null || name.isEmpty() ? null : name;
    }

    /** {@code charset'language'percent-encoded-bytes}. */
    private static String decodeExtended(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            throw malformed("filename* must be charset'language'value, e.g. UTF-8''notes.md");
        }
        Charset charset;
        try {
            charset = Charset.forName(value.substring(0, first));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw malformed("filename* names an unknown charset '" + value.substring(0, first) + "'");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = second + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw malformed("filename* ends inside a %-escape");
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw malformed("filename* has an invalid %-escape at " + value.substring(i, i + 3));
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(charset);
    }

    private static ProblemException malformed(String detail) {
        return ProblemException.badField("Content-Disposition", "malformed Content-Disposition header: " + detail);
    }
}
