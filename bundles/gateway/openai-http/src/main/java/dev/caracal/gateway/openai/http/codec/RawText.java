package dev.caracal.gateway.openai.http.codec;

/**
 * An upstream member's raw JSON text made writable as UTF-8. A JSON string may hold a lone surrogate (an upstream's
 * {@code "\ud800"} escape, decoded when its value was read), which UTF-8 cannot encode: Jackson's byte generator refuses
 * it, and the whole answer failed. Here each one is written back as its backslash-u escape (four hex digits), which means the
 * same character to a JSON reader (a surrogate can only stand inside a string in valid JSON).
 */
final class RawText {
    private RawText() {}

    /** {@code raw} with every lone surrogate escaped; the same instance when it has none (nearly always). */
    static String utf8Safe(String raw) {
        int n = raw.length();
        int i = 0;
        while (i < n) {
            char c = raw.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(raw.charAt(i + 1))) {
                i += 2;
            } else if (Character.isSurrogate(c)) {
                break;
            } else {
                i++;
            }
        }
        if (i == n) {
            return raw;
        }
        StringBuilder sb = new StringBuilder(n + 12).append(raw, 0, i);
        while (i < n) {
            char c = raw.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(raw.charAt(i + 1))) {
                sb.append(c).append(raw.charAt(i + 1));
                i += 2;
                continue;
            }
            if (Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
            i++;
        }
        return sb.toString();
    }
}
