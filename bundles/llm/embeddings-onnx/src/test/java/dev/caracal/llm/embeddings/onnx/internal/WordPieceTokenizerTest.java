package dev.caracal.llm.embeddings.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token ids are checked against the vocabulary of the bundled tokenizer.json, not against guessed numbers. */
class WordPieceTokenizerTest {

    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in =
                WordPieceTokenizerTest.class.getClassLoader().getResourceAsStream(SentenceEncoder.TOKENIZER_RESOURCE)) {
            tokenizer = WordPieceTokenizer.load(in);
        }
    }

    /** [CLS], the ids of the given vocabulary entries, [SEP]; fails if an entry is missing from the vocabulary. */
    private static int[] ids(String... tokens) {
        int[] ids = new int[tokens.length + 2];
        ids[0] = id("[CLS]");
        for (int i = 0; i < tokens.length; i++) {
            ids[i + 1] = id(tokens[i]);
        }
        ids[ids.length - 1] = id("[SEP]");
        return ids;
    }

    private static int id(String token) {
        int id = tokenizer.idOf(token);
        assertTrue(id >= 0, () -> token + " is not in the vocabulary");
        return id;
    }

    private static int[] encode(String text) {
        return tokenizer.encode(text, 256);
    }

    @Test
    void vocabularyIsBertUncased() {
        assertEquals(30522, tokenizer.vocabularySize());
        assertEquals(0, tokenizer.padId());
        assertEquals(100, id("[UNK]"));
        assertEquals(101, id("[CLS]"));
        assertEquals(102, id("[SEP]"));
    }

    @Test
    void helloWorld() {
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, encode("hello world"));
        assertArrayEquals(ids("hello", "world"), encode("hello world"));
    }

    @Test
    void lowercasesAndStripsAccents() {
        assertArrayEquals(ids("hello", "world"), encode("HeLLo WORLD"));
        assertArrayEquals(ids("cafe", "naive", "resume"), encode("Café naïve RÉSUMÉ"));
        // combining marks written separately are dropped too
        assertArrayEquals(encode("cafe"), encode("cafe\u0301"));
        // NFD splits İ into I and a combining dot above, which is stripped
        assertArrayEquals(ids("istanbul"), encode("İstanbul"));
    }

    @Test
    void splitsPunctuationIntoWordsOfTheirOwn() {
        assertArrayEquals(ids("hello", ",", "world", "!"), encode("Hello, world!"));
        assertArrayEquals(ids("don", "'", "t"), encode("don't"));
        assertArrayEquals(ids("$", "100", "+", "<", "tag", ">"), encode("$100+<tag>"));
        assertArrayEquals(ids("word", "-", "word", "_", "word"), encode("word-word_word"));
        assertArrayEquals(ids(".", ".", "."), encode("..."));
    }

    @Test
    void wordPiecesUseTheContinuationPrefix() {
        assertArrayEquals(ids("em", "##bed", "##ding", "##s"), encode("embeddings"));
        assertArrayEquals(ids("token", "##ization"), encode("tokenization"));
        assertArrayEquals(ids("una", "##ffa", "##ble", "unbelievable"), encode("unaffable unbelievable"));
        // "##" in the text is punctuation, not a continuation
        assertArrayEquals(ids("#", "#", "ing"), encode("##ing"));
    }

    @Test
    void longAndUnknownWordsBecomeUnk() {
        assertArrayEquals(ids("[UNK]"), encode("a".repeat(101)));
        String[] pieces = new String[50]; // 100 chars are still split into pieces: aaa ##aa x48 ##a
        pieces[0] = "aaa";
        Arrays.fill(pieces, 1, 49, "##aa");
        pieces[49] = "##a";
        assertArrayEquals(ids(pieces), encode("a".repeat(100)));
        assertArrayEquals(ids("[UNK]"), encode("😀"));
        assertArrayEquals(ids("ok", "[UNK]", "ok"), encode("ok 😀 ok"));
    }

    @Test
    void cjkCharactersAreWordsOfTheirOwn() {
        assertArrayEquals(ids("中", "文"), encode("中文"));
        assertArrayEquals(ids("a", "中", "b"), encode("a中b"));
    }

    @Test
    void controlCharactersAreRemovedAndWhitespaceSplits() {
        assertArrayEquals(ids("hello"), encode("hel\u0000lo"));
        assertArrayEquals(ids("hello"), encode("hel\u200blo")); // zero width space is a format char
        assertArrayEquals(ids("a", "b", "c", "d", "e"), encode("a\tb\nc\r\u00a0d\u3000e"));
    }

    @Test
    void emptyAndNullAreJustTheSpecialTokens() {
        assertArrayEquals(new int[] {101, 102}, encode(""));
        assertArrayEquals(new int[] {101, 102}, encode(null));
        assertArrayEquals(new int[] {101, 102}, encode(" \t\n "));
    }

    @Test
    void truncatesOnTheRightKeepingSep() {
        String text = "one two three four five six seven eight nine ten";
        int[] full = encode(text);
        assertEquals(12, full.length);
        int[] cut = tokenizer.encode(text, 6);
        assertArrayEquals(ids("one", "two", "three", "four"), cut);
        assertArrayEquals(ids(), tokenizer.encode(text, 2));
        // pieces of a word are cut too, as the Rust tokenizer truncates after WordPiece
        assertArrayEquals(ids("em", "##bed"), tokenizer.encode("embeddings", 4));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode(text, 1));
    }

    @Test
    void veryLongTextStopsAtTheLimit() {
        String text = "the quick brown fox jumps over the lazy dog ".repeat(200_000); // ~9 MB
        int[] ids = tokenizer.encode(text, 256);
        assertEquals(256, ids.length);
        assertEquals(id("[SEP]"), ids[255]);
        assertArrayEquals(Arrays.copyOf(encode("the quick brown fox"), 5), Arrays.copyOf(ids, 5));
    }

    @Test
    void segmentBoundariesDoNotChangeTheResult() {
        // words far longer than a normalization segment, with accents on both sides of segment boundaries
        String word = "é".repeat(5000);
        String text = IntStream.range(0, 5).mapToObj(i -> word + " café").reduce("", (a, b) -> a + b + " ");
        assertArrayEquals(
                ids("[UNK]", "cafe", "[UNK]", "cafe", "[UNK]", "cafe", "[UNK]", "cafe", "[UNK]", "cafe"),
                tokenizer.encode(text, 512));
    }

    @Test
    void rejectsWhatIsNotAWordPieceTokenizer() {
        byte[] json = "{\"model\":{\"type\":\"BPE\",\"vocab\":{}}}".getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> WordPieceTokenizer.load(new ByteArrayInputStream(json)));
    }
}
