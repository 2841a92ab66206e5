package dev.caracal.benchmarks.retrieval;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The CACM test collection as shipped in {@code shared/data/cacm}: 3,204 documents (HTML-wrapped plain text in a
 * tar.gz), 64 topics, and binary relevance judgments for 52 of them.
 */
public final class Cacm {
    /** Document id (CACM-0001) to its text: title, abstract and authors, without the citation table. */
    public final Map<String, String> documents;
    /** Topic number to its text. */
    public final Map<String, String> topics;
    /** Topic number to the ids of its relevant documents. */
    public final Map<String, Set<String>> qrels;

    private Cacm(Map<String, String> documents, Map<String, String> topics, Map<String, Set<String>> qrels) {
        this.documents = documents;
        this.topics = topics;
        this.qrels = qrels;
    }

    public static Cacm load(Path dir) throws IOException {
        return new Cacm(
                readDocuments(dir.resolve("cacm.tar.gz")),
                readTopics(dir.resolve("topics.cacm.txt")),
                readQrels(dir.resolve("qrels.cacm.txt")));
    }

    /** Reads the tar.gz without a tar library: 512-byte headers, octal sizes, padded bodies. */
    static Map<String, String> readDocuments(Path tgz) throws IOException {
        Map<String, String> docs = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz)))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                String name = new String(header, 0, 100, StandardCharsets.US_ASCII)
                        .trim()
                        .replace("\0", "");
                if (name.isEmpty()) {
                    break;
                }
                long size = Long.parseLong(
                        new String(header, 124, 12, StandardCharsets.US_ASCII)
                                .replace("\0", "")
                                .trim(),
                        8);
                byte[] body = in.readNBytes((int) size);
                long pad = (512 - size % 512) % 512;
                in.skipNBytes(pad);
                String file = name.substring(name.lastIndexOf('/') + 1);
                if (header[156] == '0' || header[156] == 0) {
                    if (file.startsWith("CACM-") && file.endsWith(".html")) {
                        docs.put(file.substring(0, file.length() - 5), clean(new String(body, StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        return docs;
    }

    private static final Pattern CITATION = Pattern.compile("^\\d+\\s+\\d+\\s+\\d+\\s*$");
    private static final Pattern RECORD_LINE = Pattern.compile("^CA\\d{6}\\s+.*$");

    /** Keeps title, journal line, abstract and authors; drops the markup, the record stamp and the citation table. */
    static String clean(String html) {
        String text = html.replaceAll("(?s)<[^>]+>", "");
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (CITATION.matcher(l).matches() || RECORD_LINE.matcher(l).matches()) {
                continue;
            }
            out.append(l).append('\n');
        }
        return out.toString().replaceAll("\n{3,}", "\n\n").strip();
    }

    static Map<String, String> readTopics(Path file) throws IOException {
        Map<String, String> topics = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?s)<DOC>\\s*<DOCNO>\\s*(\\d+)\\s*</DOCNO>(.*?)</DOC>")
                .matcher(Files.readString(file));
        while (m.find()) {
            topics.put(m.group(1), m.group(2).replaceAll("\\s+", " ").strip());
        }
        return topics;
    }

    static Map<String, Set<String>> readQrels(Path file) throws IOException {
        Map<String, Set<String>> qrels = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && Integer.parseInt(f[3]) > 0) {
                qrels.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[2]);
            }
        }
        return qrels;
    }

    /** Average precision of a ranking against the relevant set (over all relevant documents). */
    public static double averagePrecision(List<String> ranking, Set<String> relevant) {
        double sum = 0;
        int hits = 0;
        for (int i = 0; i < ranking.size(); i++) {
            if (relevant.contains(ranking.get(i))) {
                hits++;
                sum += (double) hits / (i + 1);
            }
        }
        return relevant.isEmpty() ? 0 : sum / relevant.size();
    }

    /** nDCG@k with binary gains. */
    public static double ndcg(List<String> ranking, Set<String> relevant, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            if (relevant.contains(ranking.get(i))) {
                dcg += 1 / (Math.log(i + 2) / Math.log(2));
            }
        }
        double ideal = 0;
        for (int i = 0; i < Math.min(k, relevant.size()); i++) {
            ideal += 1 / (Math.log(i + 2) / Math.log(2));
        }
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /** Judged topics in numeric order. */
    public List<String> judgedTopics() {
        List<String> out = new ArrayList<>(qrels.keySet());
        out.sort((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        return out;
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
