package dev.caracal.vector.shell.internal;

import dev.caracal.rag.ingest.DocumentResult;
import dev.caracal.rag.ingest.IngestListener;
import dev.caracal.rag.ingest.IngestProgress;
import dev.caracal.rag.ingest.IngestResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * What {@code vector:ingest} prints while it runs and when it is done. By default one progress line (files done of
 * the total, chunks) redrawn in place on a terminal that understands ANSI, or printed at every tenth of a long run
 * otherwise; with {@code --verbose} one line per file; with {@code --quiet} nothing until the summary.
 */
public final class IngestPrinter implements IngestListener {

    public enum Mode {
        QUIET,
        PROGRESS,
        VERBOSE
    }

    /** Files and failures listed under the summary before the rest is only counted. */
    static final int LISTED_PROBLEMS = 10;

    /** Below this many files a terminal without ANSI gets no progress lines, only the summary. */
    static final int MILESTONE_MIN_FILES = 20;

    private static final String ERASE_TO_END = "\u001b[K";

    private final PrintStream out;
    private final PrintStream err;
    private final Mode mode;
    private final boolean redraw;
    private final int width;
    private final long redrawIntervalNanos;
    private long lastDrawn = Long.MIN_VALUE;
    private int lastTenth;
    private boolean lineOpen;

    /**
     * @param redraw whether the terminal redraws a line in place ({@code \r} and ANSI erase)
     * @param width the terminal's width in characters (a redrawn line is cut to fit), or 0 when unknown
     * @param redrawIntervalNanos the least time between two redraws, so a fast run does not flood a slow terminal
     */
    public IngestPrinter(
            PrintStream out, PrintStream err, Mode mode, boolean redraw, int width, long redrawIntervalNanos) {
        this.out = out;
        this.err = err;
        this.mode = mode;
        this.redraw = redraw;
        this.width = width;
        this.redrawIntervalNanos = redrawIntervalNanos;
    }

    @Override
    public void started(int documents) {
        if (mode == Mode.PROGRESS && redraw && documents > 0) {
            draw(progressLine(new IngestProgress(0, documents, 0, 0)));
        }
    }

    @Override
    public void documentDone(DocumentResult document, IngestProgress progress) {
        switch (mode) {
            case VERBOSE -> out.println(fileLine(document, progress));
            case PROGRESS -> progress(progress);
            case QUIET -> {}
        }
    }

    private void progress(IngestProgress progress) {
        boolean last = progress.done() == progress.total();
        if (redraw) {
            long now = System.nanoTime();
            if (last || lastDrawn == Long.MIN_VALUE || now - lastDrawn >= redrawIntervalNanos) {
                draw(progressLine(progress));
                lastDrawn = now;
            }
        } else if (progress.total() >= MILESTONE_MIN_FILES) {
            int tenth = progress.done() * 10 / progress.total();
            if (tenth > lastTenth) {
                lastTenth = tenth;
                out.println(progressLine(progress));
            }
        }
    }

    /** Ends a progress line drawn in place, so what follows starts on a line of its own. */
    public void close() {
        if (lineOpen) {
            out.print("\r" + ERASE_TO_END);
            out.flush();
            lineOpen = false;
        }
    }

    /** The summary, and (unless verbose, which listed them already) the files that were skipped or failed. */
    public void summary(IngestResult result, String embeddingModel) {
        summary(result, embeddingModel, result.collection());
    }

    /** The summary, naming the collection {@code collection} ({@code tenant/name} outside the default tenant). */
    public void summary(IngestResult result, String embeddingModel, String collection) {
        close();
        if (result.created()) {
            out.println("Created collection '" + collection + "' (embedding model " + embeddingModel + ", cosine)");
        }
        out.println(String.format(
                Locale.ROOT,
                "Ingested %s into '%s': %s in %.1f s (%.0f chunks/s); %d skipped, %d failed",
                Counts.of(result.ingested(), "file"),
                collection,
                Counts.of(result.chunks(), "chunk"),
                result.seconds(),
                result.chunks() / Math.max(0.001, result.seconds()),
                result.skipped(),
                result.failed()));
        if (result.replaced() > 0 || result.removed() > 0) {
            out.println("Replaced " + Counts.of(result.replaced(), "chunk") + " from an earlier ingest; removed "
                    + Counts.of(result.removed(), "chunk") + " the files no longer have");
        }
        if (mode != Mode.VERBOSE) {
            List<DocumentResult> problems = result.documents().stream()
                    .filter(d -> mode == Mode.QUIET ? d.failed() : !d.ingested())
                    .toList();
            for (int i = 0; i < Math.min(LISTED_PROBLEMS, problems.size()); i++) {
                err.println("  " + problemLine(problems.get(i)));
            }
            if (problems.size() > LISTED_PROBLEMS) {
                err.println("  ... and " + (problems.size() - LISTED_PROBLEMS) + " more; --verbose lists every file");
            }
        }
    }

    static String progressLine(IngestProgress progress) {
        return String.format(
                Locale.ROOT,
                "Ingesting: %d/%s, %s (%.0f chunks/s)",
                progress.done(),
                Counts.of(progress.total(), "file"),
                Counts.of(progress.chunks(), "chunk"),
                progress.chunksPerSecond());
    }

    static String fileLine(DocumentResult document, IngestProgress progress) {
        String prefix = "[" + progress.done() + "/" + progress.total() + "] ";
        if (!document.ingested()) {
            return prefix + problemLine(document);
        }
        return prefix
                + String.format(
                        Locale.ROOT,
                        "%s: %s (total %d, %.0f chunks/s)",
                        document.name(),
                        Counts.of(document.chunks(), "chunk"),
                        progress.chunks(),
                        progress.chunksPerSecond());
    }

    static String problemLine(DocumentResult document) {
        return document.name() + ": " + (document.failed() ? "failed" : "skipped") + " (" + document.reason() + ")";
    }

    private void draw(String line) {
        String fitted = width > 1 && line.length() >= width ? line.substring(0, width - 1) : line;
        out.print("\r" + fitted + ERASE_TO_END);
        out.flush();
        lineOpen = true;
    }
}
