package dev.caracal.vector.index.hnsw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caracal.vector.index.VectorIndex;
import dev.caracal.vector.index.testkit.IndexTestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Graph files written by the index before it was split (see {@link GraphFileFixtures}) load, answer searches as they
 * did when they were written, and are written back byte for byte. (The int8 file's {@code ef=12} answers were
 * recorded again when an int8 search stopped raising ef to its 30 re-rank candidates: 3 of those 20 lines changed,
 * the answers at the default ef did not.) The searches expand one candidate a step, as searches did when the answers
 * were recorded: a wider step finds other (no worse) neighbours at small ef, and this test is about the file.
 */
class HnswFileCompatibilityTest {

    @ParameterizedTest
    @EnumSource(GraphFileFixtures.Case.class)
    void filesOfTheEarlierVersionLoadSearchAndPersistUnchanged(GraphFileFixtures.Case fixture, @TempDir Path dir)
            throws IOException {
        byte[] written = resource(fixture.fileName + ".graph");
        String[] expected = new String(resource(fixture.fileName + ".expected"), StandardCharsets.UTF_8).split("\n");
        Files.write(dir.resolve(HnswIndex.FILE_NAME), written);
        IndexTestData.Source source = IndexTestData.Source.of(fixture.vectors());
        for (int o = 0; o < GraphFileFixtures.COUNT; o += 7) {
            source.kill(o);
        }
        VectorIndex index = fixture.open(source, dir);
        ((HnswIndex) index).tuning.expansionWidth = 1;
        assertEquals(GraphFileFixtures.COVERED, index.restoredOrdinals(), "the file loads");
        int removed = (GraphFileFixtures.COVERED + 6) / 7;
        assertEquals(GraphFileFixtures.COVERED - removed, index.size());

        String[] found = GraphFileFixtures.searches(index, fixture.queries()).split("\n");
        assertEquals(expected.length, found.length);
        for (int line = 0; line < expected.length; line++) {
            assertSameResults(expected[line], found[line]);
        }

        index.persist(GraphFileFixtures.COVERED);
        assertArrayEquals(written, Files.readAllBytes(dir.resolve(HnswIndex.FILE_NAME)), "written back unchanged");
        index.close();
    }

    /**
     * The same ordinals in the same order and the same scores; a score may differ in its last bits only, since the
     * distance kernels sum in an order that depends on the machine's SIMD width.
     */
    private static void assertSameResults(String expected, String found) {
        String[] want = expected.split(" ");
        String[] got = found.split(" ");
        assertEquals(want.length, got.length, found);
        assertEquals(want[0], got[0]);
        for (int i = 1; i < want.length; i++) {
            String[] w = want[i].split(":");
            String[] g = got[i].split(":");
            assertEquals(w[0], g[0], "ordinal " + i + " of " + found + ", expected " + expected);
            float ws = Float.intBitsToFloat(Integer.parseUnsignedInt(w[1], 16));
            float gs = Float.intBitsToFloat(Integer.parseUnsignedInt(g[1], 16));
            assertEquals(ws, gs, 1e-5f * Math.max(1f, Math.abs(ws)), "score " + i + " of " + found);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = HnswFileCompatibilityTest.class.getResourceAsStream("/format-v2/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource format-v2/" + name);
            }
            return in.readAllBytes();
        }
    }
}
