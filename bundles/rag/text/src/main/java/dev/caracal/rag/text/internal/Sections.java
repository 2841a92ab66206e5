package dev.caracal.rag.text.internal;

import dev.caracal.rag.Section;
import java.util.ArrayList;
import java.util.List;

/** Collects headings found while text is produced and turns them into {@link Section}s. */
final class Sections {
    private record Heading(String text, int level, int start) {}

    private final List<Heading> headings = new ArrayList<>();

    /** A heading whose text starts at {@code start} in the produced text. */
    void add(String text, int level, int start) {
        headings.add(new Heading(text, level, start));
    }

    /** The text of the first heading, or null. */
    String firstHeading() {
        return headings.isEmpty() ? null : headings.get(0).text();
    }

    /** The text of the first heading of {@code level}, or null. */
    String firstHeading(int level) {
        for (Heading h : headings) {
            if (h.level() == level) {
                return h.text();
            }
        }
        return null;
    }

    /**
     * One section per heading: it starts where the heading's text starts and ends where the next heading of the same
     * or a higher level (a lower number) starts, or at the end of the text.
     */
    List<Section> toSections(int textLength) {
        List<Section> out = new ArrayList<>(headings.size());
        for (int i = 0; i < headings.size(); i++) {
            Heading h = headings.get(i);
            int end = textLength;
            for (int j = i + 1; j < headings.size(); j++) {
                if (headings.get(j).level() <= h.level()) {
                    end = headings.get(j).start();
                    break;
                }
            }
            out.add(new Section(h.text(), h.level(), h.start(), end));
        }
        return out;
    }
}
