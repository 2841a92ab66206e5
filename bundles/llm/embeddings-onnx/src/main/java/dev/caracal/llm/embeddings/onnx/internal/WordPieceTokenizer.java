package dev.caracal.llm.embeddings.onnx.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A pure-Java BERT tokenizer (normalizer, pre-tokenizer and WordPiece model) that reads a Hugging Face
 * {@code tokenizer.json} of the {@code BertNormalizer} + {@code BertPreTokenizer} + {@code WordPiece} kind and produces
 * the same ids as the Rust {@code tokenizers} library for single sequences:
 * <ol>
 * <li>clean text: drop NUL, U+FFFD and control characters, map whitespace to a space;</li>
 * <li>put spaces around CJK ideographs;</li>
 * <li>strip accents (NFD, drop non-spacing marks) and lowercase, when the model is uncased;</li>
 * <li>split on whitespace and on every punctuation character (each punctuation character is a word);</li>
 * <li>greedy longest-match-first WordPiece with the {@code ##} continuation prefix; a word longer than
 * {@code max_input_chars_per_word} or with an unmatched piece becomes {@code [UNK]};</li>
 * <li>{@code [CLS]} ... {@code [SEP]} around the sequence, truncated on the right to the maximum length.</li>
 * </ol>
 * Instances are immutable and thread-safe. Very long texts cost only the part that fits: the text is normalized and
 * split segment by segment and tokenization stops once the maximum length is reached.
 */
public final class WordPieceTokenizer {

    /** How many chars are normalized at a time; a segment is extended to the next whitespace. */
    private static final int SEGMENT_CHARS = 2048;

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> continuations;
    private final int unkId;
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final int maxCharsPerWord;
    private final int longestPiece;
    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    private WordPieceTokenizer(
            Map<String, Integer> vocab,
            String prefix,
            String unk,
            String cls,
            String sep,
            String pad,
            int maxCharsPerWord,
            boolean cleanText,
            boolean handleChineseChars,
            boolean stripAccents,
            boolean lowercase) {
        this.vocab = new HashMap<>(vocab.size() * 2);
        this.continuations = new HashMap<>();
        int longest = 1;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String piece = e.getKey();
            if (!prefix.isEmpty() && piece.startsWith(prefix) && piece.length() > prefix.length()) {
                continuations.put(piece.substring(prefix.length()), e.getValue());
            }
            this.vocab.put(piece, e.getValue());
            longest = Math.max(longest, piece.length());
        }
        this.unkId = id(vocab, unk);
        this.clsId = id(vocab, cls);
        this.sepId = id(vocab, sep);
        this.padId = vocab.getOrDefault(pad, 0);
        this.maxCharsPerWord = maxCharsPerWord;
        this.longestPiece = longest;
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
    }

    private static int id(Map<String, Integer> vocab, String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("the vocabulary has no " + token + " token");
        }
        return id;
    }

    /** Reads a Hugging Face {@code tokenizer.json} whose model is WordPiece. The stream is not closed. */
    public static WordPieceTokenizer load(InputStream tokenizerJson) throws IOException {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        JsonNode root = new ObjectMapper().readTree(tokenizerJson);
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText("WordPiece"))
                || !model.path("vocab").isObject()) {
            throw new IOException("not a WordPiece tokenizer.json (model.type="
                    + model.path("type").asText() + ")");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        JsonNode normalizer = root.path("normalizer");
        boolean lowercase = normalizer.path("lowercase").asBoolean(true);
        JsonNode strip = normalizer.path("strip_accents");
        boolean stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase; // null: follows lowercase
        return new WordPieceTokenizer(
                vocab,
                model.path("continuing_subword_prefix").asText("##"),
                model.path("unk_token").asText("[UNK]"),
                specialToken(root, "[CLS]"),
                specialToken(root, "[SEP]"),
                root.path("padding").path("pad_token").asText("[PAD]"),
                model.path("max_input_chars_per_word").asInt(100),
                normalizer.path("clean_text").asBoolean(true),
                normalizer.path("handle_chinese_chars").asBoolean(true),
                stripAccents,
                lowercase);
    }

    private static String specialToken(JsonNode root, String name) {
        JsonNode tokens =
                root.path("post_processor").path("special_tokens").path(name).path("tokens");
        return tokens.isArray() && tokens.size() == 1 ? tokens.get(0).asText() : name;
    }

    /** The id of the padding token. */
    public int padId() {
        return padId;
    }

    /** The number of entries in the vocabulary. */
    public int vocabularySize() {
        return vocab.size();
    }

    /** The id of {@code token} in the vocabulary, or -1. */
    public int idOf(String token) {
        return vocab.getOrDefault(token, -1);
    }

    /**
     * The token ids of {@code text}, starting with [CLS] and ending with [SEP], at most {@code maxTokens} long
     * (at least 2). A null text is encoded as the empty text.
     */
    public int[] encode(String text, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2: " + maxTokens);
        }
        IntList ids = new IntList(Math.min(maxTokens, 64));
        ids.add(clsId);
        int budget = maxTokens - 1; // leave room for [SEP]
        if (text != null && !text.isEmpty()) {
            StringBuilder normalized = new StringBuilder();
            StringBuilder word = new StringBuilder();
            int from = 0;
            int length = text.length();
            while (from < length && ids.size() < budget) {
                int to = segmentEnd(text, from);
                normalized.setLength(0);
                normalize(text, from, to, normalized);
                splitAndEncode(normalized, word, ids, budget);
                from = to;
            }
        }
        ids.add(sepId);
        return ids.toArray();
    }

    /** The end of the segment starting at {@code from}: a whitespace position at or after the nominal size. */
    private static int segmentEnd(String text, int from) {
        int length = text.length();
        if (length - from <= SEGMENT_CHARS) {
            return length;
        }
        int i = from + SEGMENT_CHARS;
        while (i < length) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
                return i;
            }
            i++;
        }
        return length;
    }

    // ---------------------------------------------------------------- normalizer

    private void normalize(String text, int from, int to, StringBuilder out) {
        StringBuilder cleaned = new StringBuilder(to - from + 16);
        boolean ascii = true;
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                    continue;
                }
                if (isWhitespace(cp)) {
                    cp = ' ';
                }
            }
            if (handleChineseChars && isChinese(cp)) {
                cleaned.append(' ').appendCodePoint(cp).append(' ');
                ascii = false;
                continue;
            }
            if (cp >= 0x80) {
                ascii = false;
            }
            cleaned.appendCodePoint(cp);
        }
        CharSequence s = cleaned;
        if (stripAccents && !ascii) {
            String decomposed = Normalizer.normalize(cleaned, Normalizer.Form.NFD);
            StringBuilder stripped = new StringBuilder(decomposed.length());
            for (int i = 0; i < decomposed.length(); ) {
                int cp = decomposed.codePointAt(i);
                i += Character.charCount(cp);
                if (Character.getType(cp) != Character.NON_SPACING_MARK) {
                    stripped.appendCodePoint(cp);
                }
            }
            s = stripped;
        }
        if (!lowercase) {
            out.append(s);
            return;
        }
        for (int i = 0; i < s.length(); ) {
            int cp = Character.codePointAt(s, i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
            } else if (cp == 0x130) {
                out.append("i\u0307"); // the one unconditional multi-char lowercase mapping (SpecialCasing.txt)
            } else {
                out.appendCodePoint(Character.toLowerCase(cp));
            }
        }
    }

    /** Unicode categories Cc, Cf, Cs, Co, Cn, except tab, newline and carriage return. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
                return true;
            default:
                return false;
        }
    }

    /** The Unicode White_Space property (as Rust's {@code char::is_whitespace}). */
    static boolean isWhitespace(int cp) {
        if (cp <= 0x20) {
            return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
        }
        if (cp < 0x85) {
            return false;
        }
        return cp == 0x85
                || cp == 0xA0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028
                || cp == 0x2029
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }

    /** The CJK Unified Ideographs blocks BERT treats as words of their own. */
    static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** ASCII punctuation (including symbols such as $ + < = > ^ ` | ~) or a Unicode punctuation category (P*). */
    static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= 33 && cp <= 47)
                    || (cp >= 58 && cp <= 64)
                    || (cp >= 91 && cp <= 96)
                    || (cp >= 123 && cp <= 126);
        }
        switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION:
            case Character.DASH_PUNCTUATION:
            case Character.START_PUNCTUATION:
            case Character.END_PUNCTUATION:
            case Character.INITIAL_QUOTE_PUNCTUATION:
            case Character.FINAL_QUOTE_PUNCTUATION:
            case Character.OTHER_PUNCTUATION:
                return true;
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------- pre-tokenizer and WordPiece

    private void splitAndEncode(CharSequence text, StringBuilder word, IntList ids, int budget) {
        word.setLength(0);
        for (int i = 0; i < text.length() && ids.size() < budget; ) {
            int cp = Character.codePointAt(text, i);
            i += Character.charCount(cp);
            if (isWhitespace(cp)) {
                wordPiece(word, ids, budget);
                word.setLength(0);
            } else if (isPunctuation(cp)) {
                wordPiece(word, ids, budget);
                word.setLength(0);
                word.appendCodePoint(cp);
                wordPiece(word, ids, budget);
                word.setLength(0);
            } else {
                word.appendCodePoint(cp);
            }
        }
        wordPiece(word, ids, budget);
        word.setLength(0);
    }

    private void wordPiece(StringBuilder word, IntList ids, int budget) {
        int length = word.length();
        if (length == 0 || ids.size() >= budget) {
            return;
        }
        if (word.codePointCount(0, length) > maxCharsPerWord) {
            ids.add(unkId);
            return;
        }
        String w = word.toString();
        int mark = ids.size();
        int start = 0;
        while (start < length) {
            int end = Math.min(length, start + longestPiece);
            Integer found = null;
            while (end > start) {
                if (end < length
                        && Character.isLowSurrogate(w.charAt(end))
                        && Character.isHighSurrogate(w.charAt(end - 1))) {
                    end--; // never split a surrogate pair
                    continue;
                }
                String piece = w.substring(start, end);
                found = start == 0 ? vocab.get(piece) : continuations.get(piece);
                if (found != null) {
                    break;
                }
                end--;
            }
            if (found == null) {
                ids.truncate(mark);
                ids.add(unkId);
                return;
            }
            ids.add(found);
            start = end;
        }
        if (ids.size() > budget) {
            ids.truncate(budget); // pieces of the last word past the limit are cut, as the Rust tokenizer does
        }
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] values;
        private int size;

        IntList(int capacity) {
            values = new int[Math.max(4, capacity)];
        }

        void add(int value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        void truncate(int newSize) {
            size = newSize;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
