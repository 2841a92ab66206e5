package dev.caracal.llm.support;

import dev.caracal.llm.ErrorKind;
import dev.caracal.llm.LlmException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a body that arrives in chunks into lines, as {@link java.io.BufferedReader#readLine} does: a line ends at LF,
 * CR or CRLF (a CRLF split across two chunks is one terminator), and a last line without a terminator is a line at
 * the end. Lines are split on bytes and then decoded as UTF-8, which is safe because no byte of a multi-byte UTF-8
 * character is CR or LF. A line longer than the limit fails the stream instead of growing without bound (an upstream
 * that never sends a line break). Not thread-safe: one stream's chunks, in order.
 */
final class LineSplitter {
    private final Consumer<String> lines;
    private final int maxLineBytes;
    private byte[] pending = new byte[256];
    private int length;
    private boolean afterCr;

    LineSplitter(Consumer<String> lines, int maxLineBytes) {
        this.lines = lines;
        this.maxLineBytes = maxLineBytes;
    }

    /** The lines that {@code chunk} completes, each handed over as it is found; {@code chunk} is consumed. */
    void feed(ByteBuffer chunk) {
        while (chunk.hasRemaining()) {
            byte b = chunk.get();
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    continue; // the LF of a CRLF
                }
            }
            if (b == '\n' || b == '\r') {
                afterCr = b == '\r';
                emit();
            } else {
                append(b);
            }
        }
    }

    /** The body ended: a last line without a terminator is handed over. */
    void finish() {
        if (length > 0) {
            emit();
        }
    }

    private void append(byte b) {
        if (length == pending.length) {
            if (length >= maxLineBytes) {
                throw new LlmException(
                        ErrorKind.UPSTREAM,
                        "the upstream sent a line of more than " + maxLineBytes + " bytes in a stream",
                        200,
                        null,
                        null);
            }
            pending = Arrays.copyOf(pending, (int) Math.min(maxLineBytes, 2L * length));
        }
        pending[length++] = b;
    }

    private void emit() {
        String line = new String(pending, 0, length, StandardCharsets.UTF_8);
        length = 0;
        lines.accept(line);
    }
}
