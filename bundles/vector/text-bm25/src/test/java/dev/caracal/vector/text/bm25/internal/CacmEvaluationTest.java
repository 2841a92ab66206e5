package dev.caracal.vector.text.bm25.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.text.TextIndex;
import dev.caracal.vector.text.TextIndexContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A realistic check on the CACM test collection (3204 abstracts, 64 topics, 52 with relevance judgments): indexes
 * every document, runs every judged topic and reports MAP and nDCG@10. Reads the documents straight from the
 * tar.gz with a minimal tar reader.
 */
class CacmEvaluationTest {
    static final Path DATA = Path.of(System.getProperty("cacm.dir", "/work/shared/data/cacm"));
    static final Pattern DOC_NAME = Pattern.compile("(?:.*/)?CACM-(\\d+)\\.html");
    static final Pattern TOPIC = Pattern.compile("<DOC>\\s*<DOCNO>\\s*(\\d+)\\s*</DOCNO>(.*?)</DOC>", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void bm25OnCacm() throws IOException {
        assertTrue(
                Files.isReadable(DATA.resolve("cacm.tar.gz")),
                "the CACM collection is expected in " + DATA + " (../shared/data/cacm beside the checkout)");
        Map<Integer, String> docs = readDocuments(DATA.resolve("cacm.tar.gz"));
        assertEquals(3204, docs.size());
        Map<Integer, String> topics = readTopics(DATA.resolve("topics.cacm.txt"));
        Map<Integer, Set<Integer>> qrels = readQrels(DATA.resolve("qrels.cacm.txt"));
        assertEquals(64, topics.size());

        // first pass on a cold JVM, then a second one into a fresh index (informational, no assertion)
        for (int pass = 1; pass <= 2; pass++) {
            try (TextIndex index =
                    new Bm25TextIndexFactory().open(new TextIndexContext("warmup", dir.resolve("pass" + pass)))) {
                long start = System.nanoTime();
                docs.forEach(index::add);
                assertEquals(docs.size(), index.size()); // includes the refresh
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "CACM: indexing pass %d (%s JVM): %d documents in %.3f s, %.0f docs/s," + " %d bytes%n",
                        pass,
                        pass == 1 ? "cold" : "warm",
                        docs.size(),
                        seconds,
                        docs.size() / seconds,
                        index.sizeBytes());
            }
        }

        try (TextIndex index = new Bm25TextIndexFactory().open(new TextIndexContext("cacm", dir.resolve("eval")))) {
            docs.forEach(index::add);

            double apSum = 0;
            double ndcgSum = 0;
            int judged = 0;
            Map<Integer, Boolean> hitInTop10 = new TreeMap<>();
            long searchStart = System.nanoTime();
            for (Map.Entry<Integer, Set<Integer>> q : qrels.entrySet()) {
                Set<Integer> relevant = q.getValue();
                ScoredOrdinals result = index.search(topics.get(q.getKey()), 1000, null);
                apSum += averagePrecision(result.ordinals(), relevant);
                ndcgSum += ndcgAt10(result.ordinals(), relevant);
                boolean hit = false;
                for (int i = 0; i < Math.min(10, result.size()); i++) {
                    hit |= relevant.contains(result.ordinals()[i]);
                }
                hitInTop10.put(q.getKey(), hit);
                judged++;
            }
            double searchMs = (System.nanoTime() - searchStart) / 1e6;
            double map = apSum / judged;
            double ndcg = ndcgSum / judged;
            long topicsWithHit = hitInTop10.values().stream().filter(b -> b).count();
            System.out.printf(
                    Locale.ROOT,
                    "CACM: %d judged topics, MAP %.4f, nDCG@10 %.4f, %d topics with a relevant"
                            + " document in the top 10, %.1f ms per query%n",
                    judged,
                    map,
                    ndcg,
                    topicsWithHit,
                    searchMs / judged);

            assertEquals(52, judged);
            // random ranking gives a MAP of about 0.01 here
            assertTrue(map > 0.15, "MAP " + map);
            assertTrue(ndcg > 0.2, "nDCG@10 " + ndcg);
            for (int topic : List.of(4, 7, 10, 14, 19, 25)) {
                assertTrue(hitInTop10.get(topic), "topic " + topic + " has a judged-relevant document in the top 10");
            }
        }
    }

    static double averagePrecision(int[] ranking, Set<Integer> relevant) {
        double sum = 0;
        int found = 0;
        for (int i = 0; i < ranking.length; i++) {
            if (relevant.contains(ranking[i])) {
                found++;
                sum += (double) found / (i + 1);
            }
        }
        return sum / relevant.size();
    }

    static double ndcgAt10(int[] ranking, Set<Integer> relevant) {
        double dcg = 0;
        for (int i = 0; i < Math.min(10, ranking.length); i++) {
            if (relevant.contains(ranking[i])) {
                dcg += 1 / log2(i + 2);
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(10, relevant.size()); i++) {
            ideal += 1 / log2(i + 2);
        }
        return dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** Document number to text (the HTML wrapper removed), from a tar.gz of CACM-nnnn.html files. */
    static Map<Integer, String> readDocuments(Path tarGz) throws IOException {
        Map<Integer, String> docs = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarGz), 1 << 16)) {
            TarReader tar = new TarReader(in);
            TarReader.Entry entry;
            while ((entry = tar.next()) != null) {
                Matcher m = DOC_NAME.matcher(entry.name());
                if (entry.regularFile() && m.matches()) {
                    String html = new String(entry.content(), StandardCharsets.UTF_8);
                    docs.put(Integer.parseInt(m.group(1)), html.replaceAll("<[^>]*>", " "));
                }
            }
        }
        return docs;
    }

    static Map<Integer, String> readTopics(Path file) throws IOException {
        Map<Integer, String> topics = new HashMap<>();
        Matcher m = TOPIC.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
            topics.put(Integer.parseInt(m.group(1)), m.group(2).trim());
        }
        return topics;
    }

    /** Topic to its relevant documents ({@code topic Q0 CACM-nnnn relevance}). */
    static Map<Integer, Set<Integer>> readQrels(Path file) throws IOException {
        Map<Integer, Set<Integer>> qrels = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && Integer.parseInt(f[3]) > 0) {
                Matcher m = DOC_NAME.matcher(f[2] + ".html");
                if (m.matches()) {
                    qrels.computeIfAbsent(Integer.parseInt(f[0]), t -> new HashSet<>())
                            .add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return qrels;
    }

    /** Just enough of POSIX tar (ustar, GNU long names, pax headers skipped) to read a flat archive of files. */
    static final class TarReader {
        record Entry(String name, char type, byte[] content) {
            boolean regularFile() {
                return type == '0' || type == '\0';
            }
        }

        private final InputStream in;
        private final byte[] header = new byte[512];

        TarReader(InputStream in) {
            this.in = in;
        }

        Entry next() throws IOException {
            String longName = null;
            while (true) {
                if (!readFully(header)) {
                    return null;
                }
                if (allZero(header)) {
                    return null;
                }
                String name = string(header, 0, 100);
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty() && "ustar".equals(string(header, 257, 5))) {
                    name = prefix + "/" + name;
                }
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                byte[] content = readContent(size);
                if (type == 'L') { // GNU long name for the next entry
                    longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (type == 'x' || type == 'g') { // pax extended headers: not needed here
                    continue;
                }
                return new Entry(longName != null ? longName : name, type, content);
            }
        }

        private byte[] readContent(long size) throws IOException {
            if (size > Integer.MAX_VALUE - 512) {
                throw new IOException("tar entry too large: " + size);
            }
            byte[] content = new byte[(int) size];
            if (!readFully(content)) {
                throw new IOException("truncated tar entry");
            }
            int padding = (int) ((512 - size % 512) % 512);
            if (padding > 0 && !readFully(new byte[padding])) {
                throw new IOException("truncated tar padding");
            }
            return content;
        }

        private boolean readFully(byte[] buffer) throws IOException {
            int read = in.readNBytes(buffer, 0, buffer.length);
            if (read == 0 && buffer.length > 0) {
                return false;
            }
            if (read < buffer.length) {
                throw new IOException("truncated tar stream");
            }
            return true;
        }

        private static boolean allZero(byte[] b) {
            for (byte x : b) {
                if (x != 0) {
                    return false;
                }
            }
            return true;
        }

        private static String string(byte[] b, int offset, int length) {
            int end = offset;
            while (end < offset + length && b[end] != 0) {
                end++;
            }
            return new String(b, offset, end - offset, StandardCharsets.UTF_8).trim();
        }

        private static long octal(byte[] b, int offset, int length) {
            long value = 0;
            for (int i = offset; i < offset + length; i++) {
                byte c = b[i];
                if (c >= '0' && c <= '7') {
                    value = value * 8 + (c - '0');
                } else if (c == 0 || (c == ' ' && value > 0)) {
                    break; // terminator; leading spaces are skipped
                }
            }
            return value;
        }
    }
}
