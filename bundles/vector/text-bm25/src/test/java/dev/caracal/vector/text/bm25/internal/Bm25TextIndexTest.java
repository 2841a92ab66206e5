package dev.caracal.vector.text.bm25.internal;

import static dev.caracal.vector.index.testkit.IndexTestData.filter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caracal.vector.index.OrdinalFilter;
import dev.caracal.vector.index.ScoredOrdinals;
import dev.caracal.vector.text.TextIndex;
import dev.caracal.vector.text.TextIndexContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Bm25TextIndexTest {
    @TempDir
    Path dir;

    private final List<TextIndex> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(TextIndex::close);
    }

    private TextIndex open(Map<String, ?> config) {
        TextIndex index = new Bm25TextIndexFactory(config).open(new TextIndexContext("test", dir.resolve("text")));
        opened.add(index);
        return index;
    }

    private TextIndex open() {
        return open(Map.of());
    }

    /** A fresh index holding {@code texts} at ordinals 1, 2, ... in order. */
    private TextIndex openWith(String... texts) {
        TextIndex index = open();
        for (int i = 0; i < texts.length; i++) {
            index.add(i + 1, texts[i]);
        }
        return index;
    }

    /** Opens the directory again with {@code config}: the index resumes {@code restored} ordinals, {@code size} entries. */
    private TextIndex reopen(Map<String, ?> config, int restored, int size) {
        TextIndex index = open(config);
        assertEquals(restored, index.restoredOrdinals());
        assertEquals(size, index.size());
        return index;
    }

    private static Set<Integer> ordinals(ScoredOrdinals result) {
        return Arrays.stream(result.ordinals()).boxed().collect(Collectors.toSet());
    }

    private static void assertDescending(ScoredOrdinals result) {
        for (int i = 1; i < result.size(); i++) {
            assertTrue(
                    result.scores()[i - 1] >= result.scores()[i],
                    "scores descend: " + Arrays.toString(result.scores()));
        }
    }

    @Test
    void rareRepeatedTermOutranksCommonTerm() {
        TextIndex index = open();
        for (int i = 0; i < 50; i++) {
            index.add(i, "the weather report says rain today and rain tomorrow, number " + i);
        }
        index.add(100, "an aardvark met another aardvark near the river");
        index.add(101, "weather weather everywhere");
        ScoredOrdinals result = index.search("aardvark weather", 10, null);
        assertEquals(10, result.size());
        assertEquals(100, result.ordinals()[0], "the rare term repeated wins");
        assertEquals(101, result.ordinals()[1], "then the common term repeated in a short text");
        assertDescending(result);
        assertTrue(result.scores()[0] > result.scores()[1]);
        for (float score : result.scores()) {
            assertTrue(score > 0);
        }
        // k larger than the matches: every match, no more
        assertEquals(52, index.search("aardvark weather", 1000, null).size());
        assertEquals(0, index.search("aardvark", 0, null).size());
    }

    @Test
    void englishAnalyzerStems() {
        TextIndex index = openWith("Computers of the 1970s", "A garden with flowers", "The computer's memory");
        assertEquals(Set.of(1, 3), ordinals(index.search("computing", 10, null)));
        assertEquals(Set.of(2), ordinals(index.search("Flower", 10, null)));
    }

    @Test
    void standardAnalyzerDoesNotStem() {
        TextIndex index = open(Map.of("analyzer", "standard"));
        index.add(1, "Computers of the 1970s");
        index.add(2, "one computer");
        assertEquals(0, index.search("computing", 10, null).size());
        assertEquals(Set.of(1), ordinals(index.search("COMPUTERS", 10, null)));
        assertEquals(Set.of(1), ordinals(index.search("the", 10, null)), "standard keeps stop words");
    }

    @Test
    void stopWordOnlyAndEmptyQueriesFindNothing() {
        TextIndex index = openWith("the and of a to in is it", "something else entirely");
        assertEquals(0, index.search("the and of", 10, null).size());
        assertEquals(0, index.search("", 10, null).size());
        assertEquals(0, index.search("   \t\n", 10, null).size());
        assertEquals(0, index.search("!!! ??? ---", 10, null).size());
        assertEquals(0, index.search(null, 10, null).size());
    }

    @Test
    void queryTextIsNeverParsed() {
        TextIndex index = openWith("foo fighters", "bar none", "unrelated");
        for (String q : List.of(
                "foo AND (bar\"",
                "*",
                "?",
                "\"",
                "foo:bar",
                "\\",
                "~foo^2",
                "-foo +bar",
                "[a TO z]",
                "/regex/",
                "{}",
                "NOT",
                "OR OR AND",
                "ÄÖÜ 中文 😀",
                "foo\u0000bar",
                "x".repeat(10_000))) {
            assertDoesNotThrow(() -> index.search(q, 10, null), q);
        }
        assertEquals(Set.of(1, 2), ordinals(index.search("foo AND (bar\"", 10, null)));
        assertEquals(Set.of(2), ordinals(index.search("bar:", 10, null)));
        String manyTerms = IntStream.range(0, 3000).mapToObj(i -> "w" + i).collect(Collectors.joining(" ")) + " bar";
        assertDoesNotThrow(() -> index.search(manyTerms, 10, null));
    }

    @Test
    void filterIsAppliedWhileCollecting() {
        TextIndex index = open();
        for (int i = 0; i < 2000; i++) {
            index.add(i, "apple " + "pie ".repeat(1 + i % 7) + (i % 3 == 0 ? "banana" : "cherry"));
        }
        OrdinalFilter even = filter(o -> o % 2 == 0, 1000);
        ScoredOrdinals result = index.search("apple pie", 50, even);
        assertEquals(50, result.size());
        for (int o : result.ordinals()) {
            assertEquals(0, o % 2, "only even ordinals");
        }
        assertDescending(result);

        // a very selective filter still finds every accepted match, up to k
        Set<Integer> wanted = Set.of(7, 993, 1999);
        OrdinalFilter selective = filter(wanted::contains, 3);
        assertEquals(wanted, ordinals(index.search("apple", 10, selective)));
        assertEquals(2, index.search("apple", 2, selective).size());
        // accepted but not matching the query: not returned (993 % 3 == 0 has banana, 7 and 1999 do not)
        assertEquals(Set.of(993), ordinals(index.search("banana", 10, selective)));
        assertEquals(0, index.search("apple", 10, filter(o -> false, 0)).size());

        // filtered results are the unfiltered ranking restricted to the accepted ordinals
        ScoredOrdinals all = index.search("banana pie", 2000, null);
        int[] expected =
                Arrays.stream(all.ordinals()).filter(o -> o % 2 == 0).limit(20).toArray();
        assertArrayEquals(expected, index.search("banana pie", 20, even).ordinals());
    }

    @Test
    void removeForgetsAnOrdinal() {
        TextIndex index = openWith("red apple", "green apple");
        assertEquals(2, index.size());
        assertEquals(Set.of(1, 2), ordinals(index.search("apple", 10, null)));
        index.remove(1);
        assertEquals(Set.of(2), ordinals(index.search("apple", 10, null)));
        assertEquals(0, index.search("red", 10, null).size());
        assertEquals(1, index.size());
        index.remove(1);
        index.remove(12345);
        assertEquals(1, index.size());
        assertTrue(index.sizeBytes() > 0);
    }

    @Test
    void concurrentAddsAreVisibleToSearchesStartedAfterThem() throws Exception {
        TextIndex index = open();
        int threads = 4;
        int perThread = 1500;
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger searches = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            workers.add(new Thread(() -> {
                try {
                    start.await();
                    for (int i = base; i < base + perThread; i++) {
                        index.add(i, "shared words for everyone plus unique token u" + i);
                        if (i % 50 == 0) {
                            ScoredOrdinals r = index.search("u" + i, 5, null);
                            if (r.size() != 1 || r.ordinals()[0] != i) {
                                throw new AssertionError(
                                        "ordinal " + i + " not visible after add: " + Arrays.toString(r.ordinals()));
                            }
                        }
                        if (i % 10 == 9) {
                            index.remove(i);
                            if (index.search("u" + i, 5, null).size() != 0) {
                                throw new AssertionError("ordinal " + i + " still visible after remove");
                            }
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        Thread reader = new Thread(() -> {
            try {
                start.await();
                while (!done.get()) {
                    ScoredOrdinals r = index.search("shared everyone", 20, null);
                    assertDescending(r);
                    searches.incrementAndGet();
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        });
        workers.forEach(Thread::start);
        reader.start();
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        done.set(true);
        reader.join();
        assertTrue(errors.isEmpty(), () -> errors.peek().toString());
        int expected = threads * perThread - threads * perThread / 10;
        assertEquals(expected, index.size());
        assertEquals(expected, index.search("shared", threads * perThread, null).size());
        assertTrue(searches.get() > 0);
    }

    @Test
    void persistCloseReopenResumes() {
        TextIndex index = open();
        for (int i = 0; i < 300; i++) {
            index.add(i, "document number " + i + (i % 5 == 0 ? " mentions lucene ranking" : " talks about cats"));
        }
        index.remove(10);
        index.persist(300);
        ScoredOrdinals before = index.search("lucene cats", 50, null);
        int sizeBefore = index.size();
        // a write after the last persist is not part of the persisted state
        index.add(300, "lucene lucene lucene");
        index.close();
        index.close(); // idempotent

        TextIndex reopened = reopen(Map.of(), 300, sizeBefore);
        ScoredOrdinals after = reopened.search("lucene cats", 50, null);
        assertArrayEquals(before.ordinals(), after.ordinals());
        assertArrayEquals(before.scores(), after.scores());
        assertFalse(ordinals(reopened.search("lucene", 1000, null)).contains(300));

        // the store carries on from there
        reopened.add(300, "lucene lucene lucene");
        assertEquals(300, reopened.search("lucene", 1, null).ordinals()[0]);
        reopened.persist(301);
        reopened.close();
        TextIndex third = reopen(Map.of(), 301, sizeBefore + 1);
    }

    @Test
    void ordinalsAtOrAboveTheCoveredMarkAreDroppedOnResume() {
        TextIndex index = open();
        for (int i = 0; i < 20; i++) {
            index.add(i, "word " + i);
        }
        index.persist(15); // 15..19 are in the commit but not covered: the store will add them again
        index.close();
        TextIndex reopened = reopen(Map.of(), 15, 15);
        for (int i = 15; i < 20; i++) {
            reopened.add(i, "word " + i);
        }
        assertEquals(20, reopened.size());
        assertEquals(1, reopened.search("17", 10, null).size());
    }

    @Test
    void reopenWithoutPersistStartsEmpty() {
        TextIndex index = openWith("hello world");
        index.close();
        reopen(Map.of(), 0, 0);
    }

    @Test
    void reopenWithOtherSettingsWipes() {
        TextIndex index = openWith("hello world");
        index.persist(2);
        index.close();

        TextIndex standard = reopen(Map.of("analyzer", "standard"), 0, 0);
        standard.add(5, "hello again");
        standard.persist(6);
        standard.close();

        TextIndex otherK1 = reopen(Map.of("analyzer", "standard", "k1", "2.0"), 0, 0);
        otherK1.close();

        TextIndex otherB = open(Map.of("analyzer", "standard", "b", 0.5));
        assertEquals(0, otherB.restoredOrdinals());
        otherB.add(9, "x");
        otherB.persist(10);
        otherB.close();

        reopen(Map.of("analyzer", "standard", "b", "0.5"), 10, 1);
    }

    @Test
    void corruptCommitWipesInsteadOfThrowing() throws IOException {
        TextIndex index = openWith("hello world");
        index.persist(2);
        index.close();
        Path textDir = dir.resolve("text");
        List<Path> segments;
        try (Stream<Path> files = Files.list(textDir)) {
            segments = files.filter(p -> p.getFileName().toString().startsWith("segments_"))
                    .toList();
        }
        assertFalse(segments.isEmpty());
        for (Path p : segments) {
            Files.write(p, "this is not a lucene commit".getBytes(StandardCharsets.UTF_8));
        }
        TextIndex reopened = reopen(Map.of(), 0, 0);
        reopened.add(3, "works again");
        assertEquals(1, reopened.search("works", 10, null).size());
    }

    @Test
    void corruptSegmentFilesWipeInsteadOfThrowing() throws IOException {
        TextIndex index = open();
        for (int i = 0; i < 100; i++) {
            index.add(i, "hello world " + i);
        }
        index.persist(100);
        index.close();
        Path textDir = dir.resolve("text");
        try (Stream<Path> files = Files.list(textDir)) {
            for (Path p : files.filter(p -> !p.getFileName().toString().startsWith("segments_")
                            && !p.getFileName().toString().equals("write.lock"))
                    .toList()) {
                Files.write(p, new byte[] {1, 2, 3});
            }
        }
        reopen(Map.of(), 0, 0);
    }

    @Test
    void flippedByteInsideAFileIsDetectedByTheChecksums() throws IOException {
        TextIndex index = open();
        for (int i = 0; i < 2000; i++) {
            index.add(i, "some longer text so that the index files have a middle, number " + i + " word" + (i % 97));
        }
        index.persist(2000);
        index.close();
        Path largest;
        try (Stream<Path> files = Files.list(dir.resolve("text"))) {
            largest = files.filter(p -> !p.getFileName().toString().startsWith("segments_"))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().length()))
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(largest);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(largest, bytes);
        reopen(Map.of(), 0, 0);
    }

    @Test
    void garbageInAnEmptyDirectoryIsWiped() throws IOException {
        Path textDir = Files.createDirectories(dir.resolve("text"));
        Files.write(textDir.resolve("garbage.bin"), new byte[] {42, 42, 42});
        Files.createDirectories(textDir.resolve("subdir"));
        Files.write(textDir.resolve("subdir/also-garbage"), new byte[] {1});
        TextIndex index = open();
        assertEquals(0, index.restoredOrdinals());
        assertFalse(Files.exists(textDir.resolve("garbage.bin")));
        assertFalse(Files.exists(textDir.resolve("subdir")));
        index.add(1, "fine");
        assertEquals(1, index.size());
    }

    @Test
    void secondOpenOfTheSameDirectoryFailsWithoutWiping() {
        TextIndex index = openWith("hello world");
        index.persist(2);
        Bm25TextIndexFactory factory = new Bm25TextIndexFactory(Map.of());
        assertThrows(RuntimeException.class, () -> factory.open(new TextIndexContext("test", dir.resolve("text"))));
        assertEquals(1, index.search("hello", 10, null).size());
        index.close();
        reopen(Map.of(), 2, 1);
    }

    @Test
    void closedIndexRejectsCalls() {
        TextIndex index = openWith("hello");
        index.close();
        assertThrows(RuntimeException.class, () -> index.add(2, "again"));
        assertThrows(RuntimeException.class, () -> index.search("hello", 10, null));
    }
}
