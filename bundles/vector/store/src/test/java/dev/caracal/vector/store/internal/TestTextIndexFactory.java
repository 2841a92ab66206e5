package dev.caracal.vector.store.internal;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.math.TopK;
import dev.caracal.vector.text.TextIndex;
import dev.caracal.vector.text.TextIndexContext;
import dev.caracal.vector.text.TextIndexFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only text-index plugin of type {@code words-test}: scores a record by how many query words (lower-cased,
 * split on non-letters) its text contains, counting repeats. Persists to {@code words.txt} with its covered range.
 */
final class TestTextIndexFactory extends TestPluginFactory<TestTextIndexFactory.WordsIndex>
        implements TextIndexFactory {
    static final String TYPE = "words-test";

    /** When set, every index of this factory fails to take a record, as a keyword index on a full disk does. */
    volatile String failAddsWith;

    TestTextIndexFactory() {
        super(TYPE);
    }

    @Override
    public TextIndex open(TextIndexContext context) {
        return track(new WordsIndex(context.directory().resolve("words.txt"), this));
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    static final class WordsIndex implements TextIndex {
        final Map<Integer, List<String>> docs = new ConcurrentHashMap<>();
        final AtomicInteger adds = new AtomicInteger();
        final Path file;
        final TestTextIndexFactory factory;
        int restored;

        WordsIndex(Path file, TestTextIndexFactory factory) {
            this.file = file;
            this.factory = factory;
            if (Files.exists(file)) {
                try {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    restored = Integer.parseInt(lines.get(0));
                    for (String line : lines.subList(1, lines.size())) {
                        int tab = line.indexOf('\t');
                        docs.put(Integer.parseInt(line.substring(0, tab)), words(line.substring(tab + 1)));
                    }
                } catch (IOException | RuntimeException e) {
                    docs.clear();
                    restored = 0;
                }
            }
        }

        @Override
        public void add(int ordinal, String text) {
            String failure = factory.failAddsWith;
            if (failure != null) {
                throw new UncheckedIOException(new IOException(failure));
            }
            docs.put(ordinal, words(text));
            adds.incrementAndGet();
        }

        @Override
        public void remove(int ordinal) {
            docs.remove(ordinal);
        }

        @Override
        public ScoredOrdinals search(String query, int k, OrdinalFilter filter) {
            List<String> q = words(query);
            TopK top = new TopK(k);
            docs.forEach((o, words) -> {
                if (filter != null && !filter.accept(o)) {
                    return;
                }
                int score = 0;
                for (String w : words) {
                    if (q.contains(w)) {
                        score++;
                    }
                }
                if (score > 0) {
                    top.offer(o, score);
                }
            });
            int[] ordinals = new int[top.size()];
            float[] scores = new float[top.size()];
            top.drainSorted(ordinals, scores);
            return new ScoredOrdinals(ordinals, scores);
        }

        @Override
        public int size() {
            return docs.size();
        }

        @Override
        public long sizeBytes() {
            return docs.size() * 64L;
        }

        @Override
        public void persist(int coveredOrdinals) {
            StringBuilder b = new StringBuilder().append(coveredOrdinals).append('\n');
            docs.forEach((o, words) ->
                    b.append(o).append('\t').append(String.join(" ", words)).append('\n'));
            try {
                Files.writeString(file, b, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public int restoredOrdinals() {
            return restored;
        }

        @Override
        public void close() {}
    }
}
