package dev.caracal.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The distribution's vector data on a small tmpfs, filled while it serves: a write is refused with 507 in plain words,
 * reads go on, health and readiness say so, and when space returns writes resume by themselves, with nothing
 * acknowledged lost and nothing refused present. Mounting needs root; where the mount is refused the test is skipped
 * (the store's own StorageFaultTest covers the same rules with an injected fault).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StorageFaultIT extends CaracalTestSupport {
    static final String MOUNT_PROPERTY = "caracal.test.tmpfs";

    @Configuration
    @Override
    public Option[] config() {
        List<Option> options = new ArrayList<>(Arrays.asList(distribution()));
        String mounted = mountTmpfs();
        options.add(systemProperty(MOUNT_PROPERTY).value(mounted));
        if (!mounted.isEmpty()) {
            options.add(editConfigurationFilePut("etc/dev.caracal.vector.store.cfg", "dataDirectory", mounted));
        }
        return options.toArray(new Option[0]);
    }

    /** A fresh 8 MB tmpfs, unmounted when this JVM ends; "" when this machine does not let us mount one. */
    static String mountTmpfs() {
        try {
            Path dir = Files.createTempDirectory("caracal-tmpfs");
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir.toString())
                    .redirectErrorStream(true)
                    .start();
            if (mount.waitFor() != 0) {
                return "";
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor();
                } catch (IOException | InterruptedException e) {
                    // the mount goes with the machine
                }
            }));
            return dir.toString();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    @Test
    public void aFullDiskIsA507ReadsGoOnAndWritesResumeWhenSpaceReturns() throws Exception {
        String mount = System.getProperty(MOUNT_PROPERTY, "");
        Assume.assumeFalse("this machine does not let the test mount a tmpfs", mount.isEmpty());
        awaitReady();
        assertEquals(
                201,
                post("/api/v1/collections", "{\"name\":\"full\",\"dimension\":4}")
                        .status());
        assertEquals(
                200, put("/api/v1/collections/full/records", records(0, 20)).status());

        File filler = new File(mount, "filler");
        fill(filler);
        Reply refused = put("/api/v1/collections/full/records", records(100, 200));
        assertEquals(refused.toString(), 507, refused.status());
        assertTrue(refused.toString(), refused.json().get("type").asText().endsWith("storage-full"));
        for (String leak : new String[] {"java.", "IOException", "MVStore", "org.h2"}) {
            assertFalse(refused.toString(), refused.body().contains(leak));
        }
        // reads go on; health and readiness tell
        assertEquals(200, get("/api/v1/collections/full/records/r3").status());
        Reply search = post("/api/v1/collections/full/search", "{\"vector\":[1,0,0,0],\"k\":3}");
        assertEquals(search.toString(), 200, search.status());
        Reply health = get("/healthz");
        assertTrue(health.toString(), health.body().contains("cannot be written"));
        assertEquals(503, get("/readyz").status());

        assertTrue(filler.delete());
        eventually(
                60,
                "writes resume",
                () -> put("/api/v1/collections/full/records", records(20, 30)).status() == 200);
        eventually(30, "ready again", () -> get("/readyz").status() == 200);
        Reply info = get("/api/v1/collections/full");
        assertEquals(info.toString(), 30, info.json().get("count").asInt());
        assertEquals(404, get("/api/v1/collections/full/records/r150").status());
    }

    /** Writes {@code file} until the disk refuses more. */
    private static void fill(File file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (FileOutputStream out = new FileOutputStream(file)) {
            while (true) {
                out.write(block);
                out.getFD().sync();
            }
        } catch (IOException full) {
            // no space left: that was the point
        }
    }

    private static String records(int from, int to) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                body.append(',');
            }
            body.append("{\"id\":\"r")
                    .append(i)
                    .append("\",\"vector\":[")
                    .append(i % 7 + 1)
                    .append(",1,0.5,0.25],\"metadata\":{\"n\":")
                    .append(i)
                    .append("}}");
        }
        return body.append("]}").toString();
    }
}
