package dev.caracal.llm.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds the node binary and the launcher + aimock package to run.
 *
 * <ul>
 *   <li>node: system property {@value #NODE_PROPERTY}, else environment variable {@code CARACAL_NODE}, else
 *       {@code node} on the {@code PATH}.</li>
 *   <li>aimock: system property {@value #HOME_PROPERTY} (a folder holding {@code mock-upstream.mjs} and
 *       {@code node_modules/@copilotkit/aimock}), else the copy inside this library: used in place when the classes
 *       are a folder (this module's own build), else unpacked once from the jar into
 *       {@code <java.io.tmpdir>/caracal-aimock-<content hash>} (or under system property {@value #CACHE_PROPERTY})
 *       and reused by later runs.</li>
 * </ul>
 */
final class AimockInstallation {

    static final String NODE_PROPERTY = "caracal.node";
    static final String HOME_PROPERTY = "caracal.aimock.home";
    static final String CACHE_PROPERTY = "caracal.aimock.cache";
    static final String LAUNCHER = "mock-upstream.mjs";
    static final String PACKAGE_JSON = "node_modules/@copilotkit/aimock/package.json";
    private static final String RESOURCE_DIR = "dev/caracal/llm/testkit/aimock/";

    private static Path cachedHome;

    private AimockInstallation() {}

    static Path node() {
        String configured = System.getProperty(NODE_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("CARACAL_NODE");
        }
        if (configured != null && !configured.isBlank()) {
            Path p = Paths.get(configured);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(
                        "node binary " + p + " (from " + NODE_PROPERTY + " / CARACAL_NODE) is not executable");
            }
            return p;
        }
        boolean windows =
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isBlank()) {
                    continue;
                }
                for (String name : windows ? List.of("node.exe", "node") : List.of("node")) {
                    Path candidate = Paths.get(dir, name);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
        }
        throw new IllegalStateException(
                "No node binary found: put Node.js 20+ on the PATH or set -D" + NODE_PROPERTY + "=/path/to/node");
    }

    /** The folder holding the launcher and {@code node_modules/@copilotkit/aimock}. */
    static synchronized Path home() {
        if (cachedHome != null) {
            return cachedHome;
        }
        String configured = System.getProperty(HOME_PROPERTY);
        Path home;
        if (configured != null && !configured.isBlank()) {
            home = Paths.get(configured).toAbsolutePath();
        } else {
            home = fromClasspath();
        }
        if (!Files.isRegularFile(home.resolve(LAUNCHER)) || !Files.isRegularFile(home.resolve(PACKAGE_JSON))) {
            throw new IllegalStateException(home + " holds no " + LAUNCHER + " and " + PACKAGE_JSON
                    + "; rebuild caracal-llm-testkit (its build runs npm ci) or point -D" + HOME_PROPERTY
                    + " at a folder that has them");
        }
        cachedHome = home;
        return home;
    }

    private static Path fromClasspath() {
        URL url = AimockInstallation.class.getClassLoader().getResource(RESOURCE_DIR + LAUNCHER);
        if (url == null) {
            throw new IllegalStateException("The aimock launcher is not on the classpath (" + RESOURCE_DIR + LAUNCHER
                    + "); was caracal-llm-testkit built with its npm ci step?");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Paths.get(url.toURI()).getParent();
            }
            if ("jar".equals(url.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                Path jar = Paths.get(connection.getJarFileURL().toURI());
                return unpack(jar);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("Cannot use the aimock launcher at " + url + "; set -D" + HOME_PROPERTY);
    }

    /** Unpacks the launcher and package from {@code jar} into a cache folder named by their content hash. */
    private static Path unpack(Path jar) throws IOException {
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            List<JarEntry> entries = new ArrayList<>();
            jarFile.stream()
                    .filter(e -> !e.isDirectory() && e.getName().startsWith(RESOURCE_DIR))
                    .sorted(Comparator.comparing(JarEntry::getName))
                    .forEach(entries::add);
            MessageDigest digest = sha256();
            for (JarEntry e : entries) {
                digest.update(e.getName().getBytes(StandardCharsets.UTF_8));
                digest.update(Long.toString(e.getSize()).getBytes(StandardCharsets.UTF_8));
                digest.update(Long.toString(e.getCrc()).getBytes(StandardCharsets.UTF_8));
            }
            String hash = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
            String cacheRoot = System.getProperty(CACHE_PROPERTY, System.getProperty("java.io.tmpdir"));
            Path parent = Paths.get(cacheRoot);
            Files.createDirectories(parent);
            Path target = parent.resolve("caracal-aimock-" + hash);
            if (Files.isRegularFile(target.resolve(LAUNCHER)) && Files.isRegularFile(target.resolve(PACKAGE_JSON))) {
                return target;
            }
            Path staging = Files.createTempDirectory(parent, "caracal-aimock-unpacking-");
            try {
                for (JarEntry e : entries) {
                    Path out = staging.resolve(e.getName().substring(RESOURCE_DIR.length()))
                            .normalize();
                    if (!out.startsWith(staging)) {
                        throw new IOException("bad entry name " + e.getName());
                    }
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jarFile.getInputStream(e)) {
                        Files.copy(in, out);
                    }
                }
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    // another JVM unpacked it first (or the folder is half there from a crash: replace it)
                    if (!Files.isRegularFile(target.resolve(PACKAGE_JSON))) {
                        deleteTree(target);
                        Files.move(staging, target);
                    }
                } catch (IOException e) {
                    if (!Files.isRegularFile(target.resolve(PACKAGE_JSON))) {
                        throw e;
                    }
                }
            } finally {
                deleteTree(staging);
            }
            return target;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
