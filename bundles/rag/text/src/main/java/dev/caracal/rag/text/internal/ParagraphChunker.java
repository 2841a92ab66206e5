package dev.caracal.rag.text.internal;

import dev.caracal.rag.Chunk;
import dev.caracal.rag.Chunker;
import dev.caracal.rag.ChunkingOptions;
import dev.caracal.rag.ParsedDocument;
import dev.caracal.rag.Section;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.osgi.service.component.annotations.Component;

/**
 * Cuts text into chunks along paragraphs (runs of non-blank lines). Consecutive short paragraphs are merged up to
 * about {@code targetChars}; a paragraph longer than the maximum is cut at sentence boundaries, a sentence still too
 * long at whitespace, a word still too long anywhere. A new section heading starts a new chunk unless the chunk so far
 * is small. With {@code overlapChars > 0} a chunk's text begins with the tail of the previous chunk, cut on a word
 * boundary.
 *
 * <p>Guarantees: chunks are never empty and their text is trimmed; {@code text().substring(start, end)} is the chunk's
 * own (non-overlap) part and its text ends with it; own parts follow each other without overlapping and together
 * cover every non-whitespace character; no chunk's text is longer than {@code maxChars} (the own part is limited to
 * {@code maxChars - overlapChars} so that the overlap always fits).
 */
@Component(service = Chunker.class, property = Chunker.STRATEGY_PROPERTY + "=" + ParagraphChunker.STRATEGY)
public final class ParagraphChunker implements Chunker {
    public static final String STRATEGY = "paragraph";

    /** Chunk metadata keys. */
    public static final String SOURCE = "source";

    public static final String TITLE = "title";
    public static final String HEADING = "heading";

    @Override
    public String strategy() {
        return STRATEGY;
    }

    @Override
    public List<Chunk> chunk(ParsedDocument document, ChunkingOptions options) {
        Objects.requireNonNull(document, "document");
        ChunkingOptions o = options == null ? ChunkingOptions.PARAGRAPHS : options;
        String text = document.text();
        int max = o.maxChars() - o.overlapChars();
        int target = Math.min(o.targetChars(), max);
        int small = Math.max(1, target / 4);

        List<Section> headings = headings(document.sections());
        int[] headingStarts = headings.stream().mapToInt(Section::start).toArray();

        List<int[]> units = units(text, max, target);
        List<int[]> parts = new ArrayList<>();
        int cs = -1;
        int ce = -1;
        for (int[] u : units) {
            if (cs < 0) {
                cs = u[0];
                ce = u[1];
                continue;
            }
            int merged = u[1] - cs;
            int current = ce - cs;
            boolean headingBetween = headingIn(headingStarts, ce, u[0]);
            boolean fits = merged <= target || current < small && merged <= max;
            if (fits && !(headingBetween && current >= small)) {
                ce = u[1];
            } else {
                parts.add(new int[] {cs, ce});
                cs = u[0];
                ce = u[1];
            }
        }
        if (cs >= 0) {
            parts.add(new int[] {cs, ce});
        }

        Map<String, Object> base = new HashMap<>();
        base.put(SOURCE, document.source());
        if (document.title() != null && !document.title().isBlank()) {
            base.put(TITLE, document.title());
        }
        List<Chunk> chunks = new ArrayList<>(parts.size());
        for (int k = 0; k < parts.size(); k++) {
            int start = parts.get(k)[0];
            int end = parts.get(k)[1];
            int from = start;
            if (k > 0 && o.overlapChars() > 0) {
                from = overlapStart(text, parts.get(k - 1)[0], parts.get(k - 1)[1], start, o.overlapChars());
            }
            Map<String, Object> metadata = new HashMap<>(base);
            String heading = headingAt(headings, headingStarts, start);
            if (heading != null) {
                metadata.put(HEADING, heading);
            }
            chunks.add(new Chunk(k, text.substring(from, end), start, end, metadata));
        }
        return chunks;
    }

    /**
     * The pieces that chunks are made of, in order: paragraphs up to {@code max} characters, the sentences of longer
     * paragraphs, the words of sentences longer than {@code max}, and slices of words longer than {@code max}.
     */
    static List<int[]> units(String text, int max, int target) {
        List<int[]> out = new ArrayList<>();
        for (int[] p : paragraphs(text)) {
            if (p[1] - p[0] <= max) {
                out.add(p);
                continue;
            }
            for (int[] s : Sentences.split(text, p[0], p[1])) {
                if (s[1] - s[0] <= max) {
                    out.add(s);
                    continue;
                }
                words(text, s[0], s[1], max, out);
            }
        }
        return out;
    }

    /** Runs of non-blank lines, as trimmed {@code [start, end)} spans. */
    static List<int[]> paragraphs(String text) {
        List<int[]> out = new ArrayList<>();
        int n = text.length();
        int ps = -1;
        int pe = -1;
        int i = 0;
        while (i <= n) {
            int lineEnd = text.indexOf('\n', i);
            if (lineEnd < 0) {
                lineEnd = n;
            }
            int a = i;
            while (a < lineEnd && Chars.isSpace(text.charAt(a))) {
                a++;
            }
            if (a == lineEnd) {
                if (ps >= 0) {
                    out.add(new int[] {ps, pe});
                    ps = -1;
                }
            } else {
                int b = lineEnd;
                while (b > a && Chars.isSpace(text.charAt(b - 1))) {
                    b--;
                }
                if (ps < 0) {
                    ps = a;
                }
                pe = b;
            }
            i = lineEnd + 1;
        }
        if (ps >= 0) {
            out.add(new int[] {ps, pe});
        }
        return out;
    }

    /** Words of {@code text[start, end)}, a word longer than {@code max} cut into slices of {@code max}. */
    private static void words(String text, int start, int end, int max, List<int[]> out) {
        int i = start;
        while (i < end) {
            while (i < end && Chars.isSpace(text.charAt(i))) {
                i++;
            }
            int w = i;
            while (i < end && !Chars.isSpace(text.charAt(i))) {
                i++;
            }
            int we = i;
            int s = w;
            while (s < we) {
                int e = Math.min(we, s + max);
                if (e < we && e - s > 1 && Character.isLowSurrogate(text.charAt(e))) {
                    e--; // never cut a surrogate pair
                }
                out.add(new int[] {s, e});
                s = e;
            }
        }
    }

    /**
     * Where the overlap taken from the previous own part {@code [ps, pe)} starts: at most {@code overlap} characters
     * before {@code start} (the whitespace between them counts), moved forward to the start of a word; {@code start}
     * itself when no whole word fits.
     */
    static int overlapStart(String text, int ps, int pe, int start, int overlap) {
        int c = Math.max(ps, start - overlap);
        if (c >= pe) {
            return start;
        }
        if (c > ps && !Chars.isSpace(text.charAt(c - 1))) {
            while (c < pe && !Chars.isSpace(text.charAt(c))) {
                c++;
            }
        }
        while (c < pe && Chars.isSpace(text.charAt(c))) {
            c++;
        }
        if (c < pe && Character.isLowSurrogate(text.charAt(c))) {
            c++;
        }
        return c >= pe ? start : c;
    }

    private static List<Section> headings(List<Section> sections) {
        List<Section> out = new ArrayList<>();
        for (Section s : sections) {
            if (s.heading() != null && !s.heading().isBlank()) {
                out.add(s);
            }
        }
        out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return out;
    }

    /** Whether a heading starts in {@code (after, upTo]}. */
    private static boolean headingIn(int[] starts, int after, int upTo) {
        int i = Arrays.binarySearch(starts, after + 1);
        int pos = i >= 0 ? i : -i - 1;
        return pos < starts.length && starts[pos] <= upTo;
    }

    /** The nearest heading that starts at or before {@code position}, or null. */
    private static String headingAt(List<Section> headings, int[] starts, int position) {
        int i = Arrays.binarySearch(starts, position);
        int pos;
        if (i >= 0) {
            while (i + 1 < starts.length && starts[i + 1] == position) {
                i++;
            }
            pos = i;
        } else {
            pos = -i - 2;
        }
        return pos >= 0 ? headings.get(pos).heading().strip() : null;
    }
}
