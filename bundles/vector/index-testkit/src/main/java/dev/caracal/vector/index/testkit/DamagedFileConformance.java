package dev.caracal.vector.index.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caracal.vector.Metric;
import dev.caracal.vector.index.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persisted file that was cut short, has a flipped bit or byte anywhere (header, counts, data, checksum), trailing
 * bytes, or is noise, fails the index's integrity checks: the index opens empty, without an exception, and is
 * rebuilt by the store. It never trusts what it read.
 */
public interface DamagedFileConformance extends ConformanceCases {

    @Test
    default void aDamagedFileIsRefusedAndTheIndexStartsEmpty(@TempDir Path dir)
            throws IOException, InterruptedException {
        assumeTrue(fixture().capabilities().persists(), "declares it does not persist");
        Metric metric = fixture().primaryMetric();
        ConformanceData d = fixture().data(metric);
        int n = 4000;
        IndexTestData.Source source = d.source(n);
        fixture().persist(metric, source, dir, n);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty(), "an index that persists writes a file");
        for (Path file : files) {
            byte[] good = Files.readAllBytes(file);
            for (byte[] bad :
                    damaged(good, new Random(file.getFileName().toString().hashCode()))) {
                Files.write(file, bad);
                VectorIndex x = fixture().open(metric, source, dir);
                String what = file.getFileName() + " damaged to " + bad.length + " of " + good.length + " bytes";
                assertEquals(0, x.restoredOrdinals(), what);
                assertEquals(0, x.size(), what);
                x.add(1, d.vectors()[1]); // and it works as an empty index
                assertEquals(
                        1, x.search(d.vectors()[1], 1, null, java.util.Map.of()).ordinals()[0], what);
                x.close();
            }
            Files.write(file, good);
        }
        VectorIndex intact = fixture().open(metric, source, dir);
        assertEquals(n, intact.restoredOrdinals(), "the intact files reload");
        intact.close();
    }

    /** Truncations, single bit flips, flipped bytes (many near the header), trailing bytes, noise. */
    private static List<byte[]> damaged(byte[] good, Random random) {
        List<byte[]> out = new ArrayList<>();
        for (int length : new int[] {0, 3, 7, 8, 10, 40, good.length / 2, good.length - 8, good.length - 1}) {
            if (length >= 0 && length < good.length) {
                out.add(Arrays.copyOf(good, length));
            }
        }
        for (int i = 0; i < 10; i++) {
            byte[] b = good.clone();
            int at = i < 4 ? Math.min(i * 13, b.length - 1) : i == 4 ? b.length - 1 : random.nextInt(b.length);
            b[at] ^= (byte) (1 << random.nextInt(8));
            out.add(b);
        }
        for (int i = 0; i < 10; i++) {
            byte[] b = good.clone();
            int at = i < 5 ? random.nextInt(Math.min(200, b.length)) : random.nextInt(b.length);
            b[at] ^= (byte) (1 + random.nextInt(255));
            out.add(b);
        }
        out.add(Arrays.copyOf(good, good.length + 3));
        out.add(Arrays.copyOf(good, good.length + 5));
        byte[] noise = new byte[good.length];
        random.nextBytes(noise);
        out.add(noise);
        return out;
    }
}
