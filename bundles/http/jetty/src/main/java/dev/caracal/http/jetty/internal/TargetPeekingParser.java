package dev.caracal.http.jetty.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;

/**
 * Jetty's request parser, peeking at the head of each request before parsing it: Jetty refuses some requests before
 * it reports their target (a request line without a version) or their headers (a bad escape in the target), and the
 * error answer still needs the shape they call for.
 */
final class TargetPeekingParser extends HttpParser {
    private static final int MAX_PEEK = 8192;
    private static final String ANTHROPIC_VERSION = "\nanthropic-version:";

    private final RequestSeen seen;

    TargetPeekingParser(RequestHandler handler, int maxHeaderBytes, HttpCompliance compliance, RequestSeen seen) {
        super(handler, maxHeaderBytes, compliance);
        this.seen = seen;
    }

    @Override
    public boolean parseNext(ByteBuffer buffer) {
        if (isStart() && buffer.hasRemaining()) {
            String head = head(buffer);
            seen.reset(target(head), head.toLowerCase(Locale.ROOT).contains(ANTHROPIC_VERSION));
        }
        return super.parseNext(buffer);
    }

    /** The request head at the buffer's position as far as it is there (at most 8 KB), leading blank lines skipped. */
    static String head(ByteBuffer buffer) {
        int from = buffer.position();
        int to = Math.min(buffer.limit(), from + MAX_PEEK);
        byte[] bytes = new byte[to - from];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = buffer.get(from + i);
        }
        String head = new String(bytes, StandardCharsets.ISO_8859_1);
        int start = 0;
        while (start < head.length() && (head.charAt(start) == '\r' || head.charAt(start) == '\n')) {
            start++;
        }
        int end = head.indexOf("\r\n\r\n", start);
        return head.substring(start, end < 0 ? head.length() : end + 2);
    }

    /** The second token of the head's first line, or {@code null} when there is none (yet). */
    static String target(String head) {
        int eol = head.indexOf('\r');
        int lf = head.indexOf('\n');
        int lineEnd = eol < 0 ? (lf < 0 ? head.length() : lf) : (lf < 0 ? eol : Math.min(eol, lf));
        String line = head.substring(0, lineEnd);
        int first = line.indexOf(' ');
        if (first < 0) {
            return null;
        }
        int second = line.indexOf(' ', first + 1);
        String target = line.substring(first + 1, second < 0 ? line.length() : second);
        return target.isEmpty() ? null : target;
    }
}
