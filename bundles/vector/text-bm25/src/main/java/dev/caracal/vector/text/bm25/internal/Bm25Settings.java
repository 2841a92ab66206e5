package dev.caracal.vector.text.bm25.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings a BM25 text index is built with: the analyzer and the BM25 parameters. They are recorded in every
 * commit; an index persisted with other settings is not resumed.
 *
 * @param analyzer {@link #ENGLISH} or {@link #STANDARD}
 * @param k1 term-frequency saturation, finite and at least 0
 * @param b length normalization, in [0, 1]
 */
record Bm25Settings(String analyzer, float k1, float b) {
    static final String ENGLISH = "english";
    static final String STANDARD = "standard";
    static final float DEFAULT_K1 = 1.2f;
    static final float DEFAULT_B = 0.75f;
    static final Bm25Settings DEFAULTS = new Bm25Settings(ENGLISH, DEFAULT_K1, DEFAULT_B);

    static final String PROP_ANALYZER = "analyzer";
    static final String PROP_K1 = "k1";
    static final String PROP_B = "b";

    private static final Logger LOG = LoggerFactory.getLogger(Bm25Settings.class);

    Bm25Settings {
        Objects.requireNonNull(analyzer, "analyzer");
        if (!ENGLISH.equals(analyzer) && !STANDARD.equals(analyzer)) {
            throw new IllegalArgumentException("analyzer must be english or standard, not " + analyzer);
        }
        if (!validK1(k1)) {
            throw new IllegalArgumentException("k1 must be a finite number >= 0, not " + k1);
        }
        if (!validB(b)) {
            throw new IllegalArgumentException("b must be a number in [0, 1], not " + b);
        }
    }

    /** A new analyzer for these settings (the caller closes it). */
    Analyzer newAnalyzer() {
        // EnglishAnalyzer: StandardTokenizer, possessive filter, lower case, English stop words, Porter stemmer.
        // StandardAnalyzer: StandardTokenizer, lower case; since Lucene 8 without stop words.
        return ENGLISH.equals(analyzer) ? new EnglishAnalyzer() : new StandardAnalyzer();
    }

    /**
     * Settings from a component configuration ({@code null} or missing keys give the defaults). An invalid value is
     * logged as an error naming the property and replaced by its default; the other properties still apply.
     */
    static Bm25Settings fromConfig(Map<String, ?> config) {
        if (config == null) {
            return DEFAULTS;
        }
        String analyzer = ENGLISH;
        Object a = config.get(PROP_ANALYZER);
        if (a != null && !a.toString().isBlank()) {
            String name = a.toString().trim().toLowerCase(Locale.ROOT);
            if (ENGLISH.equals(name) || STANDARD.equals(name)) {
                analyzer = name;
            } else {
                LOG.error(
                        "Invalid configuration {}: analyzer='{}' (expected english or standard); using {}",
                        Bm25TextIndexFactory.PID,
                        a,
                        ENGLISH);
            }
        }
        float k1 = number(config.get(PROP_K1), PROP_K1, DEFAULT_K1, "a finite number >= 0");
        if (!validK1(k1)) {
            LOG.error(
                    "Invalid configuration {}: k1={} (expected a finite number >= 0); using {}",
                    Bm25TextIndexFactory.PID,
                    config.get(PROP_K1),
                    DEFAULT_K1);
            k1 = DEFAULT_K1;
        }
        float b = number(config.get(PROP_B), PROP_B, DEFAULT_B, "a number in [0, 1]");
        if (!validB(b)) {
            LOG.error(
                    "Invalid configuration {}: b={} (expected a number in [0, 1]); using {}",
                    Bm25TextIndexFactory.PID,
                    config.get(PROP_B),
                    DEFAULT_B);
            b = DEFAULT_B;
        }
        return new Bm25Settings(analyzer, k1, b);
    }

    private static float number(Object value, String property, float fallback, String expected) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            return fallback;
        }
        if (value instanceof Number n) {
            return n.floatValue();
        }
        try {
            return Float.parseFloat(value.toString().trim());
        } catch (NumberFormatException e) {
            LOG.error(
                    "Invalid configuration {}: {}='{}' (expected {}); using {}",
                    Bm25TextIndexFactory.PID,
                    property,
                    value,
                    expected,
                    fallback);
            return fallback;
        }
    }

    private static boolean validK1(float k1) {
        return Float.isFinite(k1) && k1 >= 0;
    }

    private static boolean validB(float b) {
        return !Float.isNaN(b) && b >= 0 && b <= 1;
    }
}
