package dev.caracal.itests;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The unpacked distribution run as a newcomer runs it ({@code bin/karaf server}), in its own copy with free ports,
 * so a test can kill it with SIGKILL and start it again on the same data.
 */
final class KarafProcess implements AutoCloseable {
    /** How Pax Web's Jetty names the threads of its request pool ({@code qtp<hash>-<n>}). */
    static final String JETTY_POOL_PREFIX = "qtp";

    final Path home;
    final int httpPort;
    final int sshPort;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    KarafProcess(Path workDir) throws IOException {
        Path dist = Paths.get(System.getProperty("caracal.distribution", "target/dist"));
        Path unpacked;
        try (Stream<Path> s = Files.list(dist)) {
            unpacked = s.filter(p -> p.getFileName().toString().startsWith("caracal-"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no distribution under " + dist.toAbsolutePath()));
        }
        home = workDir.resolve("caracal");
        copyTree(unpacked, home);
        httpPort = freePort();
        setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(httpPort));
        sshPort = freePort();
        setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(sshPort));
        setProperty("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(freePort()));
        setProperty("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(freePort()));
        try (Stream<Path> s = Files.list(home.resolve("bin"))) {
            s.forEach(p -> p.toFile().setExecutable(true));
        }
    }

    /** Writes (replaces) a file under {@code etc/}, as a user configuring Caracal would before starting it. */
    void writeEtc(String name, String content) throws IOException {
        Files.writeString(home.resolve("etc").resolve(name), content, StandardCharsets.UTF_8);
    }

    /** Adds features to those installed at boot (they must be shipped in {@code system/}). */
    void addBootFeatures(String... features) throws IOException {
        Path cfg = home.resolve("etc/org.apache.karaf.features.cfg");
        List<String> lines = new ArrayList<>(Files.readAllLines(cfg, StandardCharsets.UTF_8));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().startsWith("featuresBoot")) {
                for (String f : features) {
                    lines.add(i + 1, "    " + f + ", \\");
                }
                Files.write(cfg, lines, StandardCharsets.UTF_8);
                return;
            }
        }
        throw new IllegalStateException("no featuresBoot in " + cfg);
    }

    /** Runs a console command through {@code bin/client} (SSH, as user karaf); returns its output. */
    String console(String command) throws Exception {
        Process p = new ProcessBuilder(
                        home.resolve("bin/client").toString(),
                        "-a",
                        Integer.toString(sshPort),
                        // no -u/-p: bin/client logs in with the console password the first start generated
                        "-r",
                        "5",
                        command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("bin/client did not finish: " + command);
        }
        return out;
    }

    /** What a command run by a shell printed and its exit status. */
    record Run(int status, String out, String err) {
        /** The output's lines, without the ANSI colours Karaf's console adds. */
        List<String> lines() {
            return out.replaceAll("\u001B\\[[0-9;]*m", "").lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + status + "\n" + out + err;
        }
    }

    /** Pipes {@code script} into {@code bin/client -b}, as a user's shell script would; nothing else on its line. */
    Run client(String script) throws Exception {
        Process p = new ProcessBuilder(home.resolve("bin/client").toString(), "-b")
                .directory(home.toFile())
                .start();
        p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        return finish(p, "bin/client -b with " + script);
    }

    /**
     * Runs {@code command} with bash in {@code directory}, as a user pasting it into a terminal would after the
     * README's {@code export CARACAL_KEY=...} (this distribution's admin key).
     */
    Run bash(String command, Path directory) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command)
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("CARACAL_KEY", CaracalTestSupport.ADMIN_KEY);
        return finish(pb.start(), command);
    }

    private static Run finish(Process p, String what) throws Exception {
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("did not finish: " + what);
        }
        return new Run(p.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    }

    /** Starts {@code bin/karaf server} and waits for {@code /readyz}; returns the seconds it took. */
    double start() throws Exception {
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("console.log").toFile()));
        pb.environment().put("JAVA_MAX_MEM", "1536M");
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "bin/karaf exited with " + process.exitValue() + "; see " + home.resolve("console.log"));
            }
            try {
                if (get("/readyz").statusCode() == 200) {
                    return (System.nanoTime() - t0) / 1e9;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Caracal not ready within 180 s; see " + home.resolve("data/log/karaf.log"));
    }

    /** The process id of Caracal's JVM (the launcher script's java descendant). */
    long javaPid() {
        return process.toHandle()
                .descendants()
                .filter(h -> h.info()
                        .command()
                        .map(c -> c.endsWith("/java") || c.endsWith("java"))
                        .orElse(false))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no java process under bin/karaf"));
    }

    /** SIGKILL to the JVM and its launcher script: no shutdown hook, no flush. */
    void kill9() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        process.toHandle().descendants().forEach(all::add);
        all.add(process.toHandle());
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : all) {
            h.onExit().join();
        }
        process.waitFor();
    }

    /** A clean stop, as {@code bin/stop} does. */
    void stop() throws Exception {
        Process stop = new ProcessBuilder(home.resolve("bin/stop").toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("console.log").toFile()))
                .start();
        stop.waitFor(60, TimeUnit.SECONDS);
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            kill9();
            throw new IllegalStateException("bin/stop did not stop Caracal within 90 s");
        }
    }

    long rssKb() throws IOException {
        long rss = 0;
        List<ProcessHandle> all = new ArrayList<>();
        process.toHandle().descendants().forEach(all::add);
        for (ProcessHandle h : all) {
            Path status = Paths.get("/proc/" + h.pid() + "/status");
            if (Files.exists(status)) {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        rss = Math.max(rss, Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
            }
        }
        return rss;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + CaracalTestSupport.ADMIN_KEY)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Sends a JSON body; {@code headers} are extra name/value pairs. */
    HttpResponse<String> send(String method, String path, String json, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        CaracalTestSupport.addHeaders(b, headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** Waits up to a minute until {@code /v1/models} lists {@code model} (a provider's model or a route). */
    void awaitModel(String model) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!get("/v1/models").body().contains("\"" + model + "\"")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + model + "' never appeared in /v1/models: "
                        + get("/v1/models").body());
            }
            Thread.sleep(200);
        }
    }

    /** Closes each of {@code resources} that is not null (a test's Caracal and mock upstreams), the first first. */
    static void closeAll(AutoCloseable... resources) throws Exception {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                resource.close();
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            kill9();
        }
    }

    /** Sets one key of a properties-style file under the distribution (replacing the key where it was). */
    void setProperty(String file, String key, String value) throws IOException {
        Path p = home.resolve(file);
        List<String> lines = Files.exists(p) ? new ArrayList<>(Files.readAllLines(p)) : new ArrayList<>();
        lines.removeIf(l -> l.trim().startsWith(key + " ") || l.trim().startsWith(key + "="));
        lines.add(key + " = " + value);
        Files.write(p, lines);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
