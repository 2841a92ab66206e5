package dev.caracal.llm.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code System.err} redirected into memory (UTF-8) until {@link #close()}, for tests that check what is logged
 * (slf4j-simple writes to the current {@code System.err}), e.g. that an API key never shows in a log line.
 */
public final class CapturedStderr implements AutoCloseable {

    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private CapturedStderr() {
        this.original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    /** Starts capturing {@code System.err}. */
    public static CapturedStderr start() {
        return new CapturedStderr();
    }

    /** What was written so far. */
    public String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Puts the original {@code System.err} back. */
    @Override
    public void close() {
        System.setErr(original);
    }
}
