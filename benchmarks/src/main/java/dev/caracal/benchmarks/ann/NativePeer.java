package dev.caracal.benchmarks.ann;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A native peer in its own process, driven over stdin/stdout by the line protocol of
 * {@code benchmarks/src/main/native/ann/driver.h} (the hnswlib and FAISS drivers compiled by
 * {@code benchmarks/scripts/ann-interleaved.sh}, and {@code py_driver.py} for Debian's Python builds). The base and
 * query vectors reach it once, as files ({@link VectorFile}); a run answers with the query count, the wall time of its
 * query loop and its thread's CPU time, measured inside the driver, then the ids of its last pass. Its stderr goes to
 * {@code <name>.log} beside the vector files.
 */
final class NativePeer implements Peer {
    private final String name;
    private final String knobName;
    private final int m;
    private final int efConstruction;
    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final String info;
    private final int nQueries;

    NativePeer(
            String name,
            String knobName,
            List<String> command,
            Path base,
            Path queries,
            boolean innerProduct,
            int m,
            int efConstruction,
            Path logDir)
            throws IOException {
        this.name = name;
        this.knobName = knobName;
        this.m = m;
        this.efConstruction = efConstruction;
        Files.createDirectories(logDir);
        process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        logDir.resolve(name + ".log").toFile()))
                .start();
        in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII), 1 << 16);
        try {
            info = call("info");
            String[] loaded = call("load " + base.toAbsolutePath() + " " + queries.toAbsolutePath() + " "
                            + (innerProduct ? "ip" : "l2"))
                    .split(" ");
            nQueries = Integer.parseInt(loaded[2]);
        } catch (IOException | RuntimeException e) {
            process.destroy();
            throw e;
        }
    }

    /** The process id, for its CPU time in /proc. */
    long pid() {
        return process.pid();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String knobName() {
        return knobName;
    }

    @Override
    public int efConstruction() {
        return efConstruction;
    }

    @Override
    public String describe() {
        return info + "; M=" + m + ", efConstruction=" + efConstruction;
    }

    @Override
    public Build build() throws IOException {
        String[] r = call("build " + m + " " + efConstruction).split(" ");
        return new Build(Double.parseDouble(r[0]), Double.parseDouble(r[1]), Long.parseLong(r[2]));
    }

    @Override
    public Sample run(int knob, int k, long minNanos) throws IOException {
        call("ef " + knob);
        String[] r = call(String.format(Locale.ROOT, "run %d %.3f", k, minNanos / 1e9))
                .split(" ");
        String ids = out.readLine();
        if (ids == null || !ids.startsWith("ids")) {
            throw new IOException(name + ": expected the ids line, got " + ids);
        }
        return new Sample(
                Long.parseLong(r[0]), Double.parseDouble(r[1]), Double.parseDouble(r[2]), parseIds(ids, nQueries * k));
    }

    /** "ids 3 17 -1 ..." into an array of {@code n} ints. */
    static int[] parseIds(String line, int n) throws IOException {
        int[] ids = new int[n];
        int i = 0;
        int p = 3;
        int len = line.length();
        while (p < len) {
            while (p < len && line.charAt(p) == ' ') {
                p++;
            }
            if (p == len) {
                break;
            }
            boolean negative = line.charAt(p) == '-';
            if (negative) {
                p++;
            }
            long v = 0;
            while (p < len && line.charAt(p) != ' ') {
                v = v * 10 + (line.charAt(p++) - '0');
            }
            if (i == n) {
                throw new IOException("more than " + n + " ids");
            }
            ids[i++] = (int) (negative ? -v : v);
        }
        if (i != n) {
            throw new IOException("expected " + n + " ids, got " + i);
        }
        return ids;
    }

    private String call(String command) throws IOException {
        in.write(command);
        in.write('\n');
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException(name + ": the driver exited (see its log) after: " + command);
        }
        if (line.startsWith("err ")) {
            throw new IOException(name + ": " + line.substring(4) + " (after: " + command + ")");
        }
        if (!line.startsWith("ok")) {
            throw new IOException(name + ": unexpected answer " + line);
        }
        return line.length() > 3 ? line.substring(3) : "";
    }

    @Override
    public void close() throws Exception {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
