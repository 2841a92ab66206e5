package dev.caracal.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.apache.karaf.shell.support.CommandException;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.extra.VMOption;
import org.osgi.framework.BundleContext;

/**
 * What every Pax Exam test of the distribution shares: the container configuration (the real assembly, offline,
 * free ports, the JVM flags bin/karaf would add on Java 17), an HTTP client for the REST API, and the console.
 */
public abstract class CaracalTestSupport {

    static final String KARAF = "4.4.10";
    protected static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    private static HttpClient http;

    /** The container of every test class: the distribution as {@link #distribution()} configures it. */
    @Configuration
    public Option[] config() {
        return distribution();
    }

    public static Option[] distribution() {
        String localRepo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
        int httpPort = freePort();
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(distributionArchive())
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false)
                    .name("Caracal"),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevel.WARN),
            systemProperty("caracal.test.http.port").value(Integer.toString(httpPort)),
            editConfigurationFilePut(
                    "etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(httpPort)),
            editConfigurationFilePut(
                    "etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(freePort())),
            editConfigurationFilePut(
                    "etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(freePort())),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(freePort())),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut(
                    "etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepo),
            editConfigurationFilePut(
                    "etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.defaultRepositories",
                    "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots," + "file:"
                            + localRepo + "@id=local@snapshots"),
            new VMOption("-Xmx1536m"),
            new VMOption("--add-modules=jdk.incubator.vector"),
            new VMOption("--add-reads=java.xml=java.logging"),
            new VMOption("--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED"),
            new VMOption("--patch-module"),
            new VMOption("java.base=lib/endorsed/org.apache.karaf.specs.locator-" + KARAF + ".jar"),
            new VMOption("--patch-module"),
            new VMOption("java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + KARAF + ".jar"),
            new VMOption("--add-opens=java.base/java.security=ALL-UNNAMED"),
            new VMOption("--add-opens=java.base/java.net=ALL-UNNAMED"),
            new VMOption("--add-opens=java.base/java.lang=ALL-UNNAMED"),
            new VMOption("--add-opens=java.base/java.util=ALL-UNNAMED"),
            new VMOption("--add-opens=java.naming/javax.naming.spi=ALL-UNNAMED"),
            new VMOption("--add-opens=java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED"),
            new VMOption("--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED"),
            new VMOption("--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED"),
            new VMOption("--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED"),
            new VMOption("--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED"),
            new VMOption("--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED"),
            new VMOption("--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED"),
            new VMOption("--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED"),
            new VMOption("--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED"),
        };
    }

    /** The archive this build assembled (copied by the pom), never a snapshot from the local repository. */
    static String distributionArchive() {
        File archive =
                new File(System.getProperty("caracal.distribution.archive", "target/caracal-distribution.tar.gz"));
        if (!archive.isFile()) {
            throw new IllegalStateException(
                    "no distribution archive at " + archive.getAbsolutePath() + "; run mvn verify from the top");
        }
        return archive.toURI().toString();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- HTTP ----

    /** The admin key every container of the suite starts with (failsafe sets {@code CARACAL_ADMIN_KEY}). */
    protected static final String ADMIN_KEY = adminKey();

    private static String adminKey() {
        String key = System.getenv("CARACAL_ADMIN_KEY");
        if (key == null || key.isBlank()) {
            throw new IllegalStateException(
                    "CARACAL_ADMIN_KEY is not set: run the itests through Maven (failsafe sets it), or set it yourself");
        }
        return key;
    }

    /** Whether {@code headers} (name, value, ...) already carry credentials (or ask for none: name "no-auth"). */
    static boolean hasCredentials(String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            String n = headers[i].toLowerCase(Locale.ROOT);
            if (n.equals("authorization") || n.equals("x-api-key") || n.equals("api-key") || n.equals(NO_AUTH)) {
                return true;
            }
        }
        return false;
    }

    /** A header name that makes the helpers send no key at all (the header itself is not sent). */
    protected static final String NO_AUTH = "no-auth";

    protected static String base() {
        return "http://127.0.0.1:" + System.getProperty("caracal.test.http.port");
    }

    protected static synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        }
        return http;
    }

    /** A response: status, content type and body. */
    public record Reply(int status, String contentType, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    protected static Reply call(String method, String path, String body, String... headers) throws Exception {
        return send(method, path, body, headers);
    }

    /**
     * Declares a body of {@code contentLength} bytes with {@code Expect: 100-continue}, as curl does for large
     * uploads, and reads the server's answer without sending the body: a server that refuses it (413) must answer
     * before the upload. Raw socket, because the JDK 17 HttpClient hangs on a final answer to an expect-continue.
     */
    protected static Reply declareBody(String method, String path, long contentLength) throws Exception {
        try (java.net.Socket socket =
                new java.net.Socket("127.0.0.1", Integer.parseInt(System.getProperty("caracal.test.http.port")))) {
            socket.setSoTimeout(30_000);
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + ADMIN_KEY + "\r\n"
                    + "Content-Length: " + contentLength + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            String contentType = "";
            int length = -1;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-type:")) {
                    contentType = line.substring(13).trim();
                } else if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            char[] body = new char[Math.max(0, length)];
            int read = 0;
            while (read < body.length) {
                int n = in.read(body, read, body.length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return new Reply(Integer.parseInt(status.split(" ")[1]), contentType, new String(body, 0, read));
        }
    }

    private static Reply send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(120));
        addHeaders(b, headers);
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http().send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /** Sends {@code body} as it is, with the given Content-Type (none when null) and headers. */
    protected static Reply upload(String path, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        addHeaders(b, headers);
        HttpResponse<String> r = http().send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /** Adds {@code headers} (name, value, ...) and, unless they carry credentials, the admin key. */
    static void addHeaders(HttpRequest.Builder b, String... headers) {
        if (!hasCredentials(headers)) {
            b.header("Authorization", "Bearer " + ADMIN_KEY);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (!headers[i].equals(NO_AUTH)) {
                b.header(headers[i], headers[i + 1]);
            }
        }
    }

    protected static Reply get(String path) throws Exception {
        return call("GET", path, null);
    }

    protected static Reply post(String path, String body) throws Exception {
        return call("POST", path, body);
    }

    protected static Reply put(String path, String body) throws Exception {
        return call("PUT", path, body);
    }

    protected static Reply delete(String path) throws Exception {
        return call("DELETE", path, null);
    }

    /** Waits until {@code /readyz} answers 200 (the store and the HTTP context are up). */
    protected static void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Reply last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get("/readyz");
                if (last.status() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Jetty not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Caracal did not become ready: " + last);
    }

    // ---- console ----

    /**
     * Waits until the console runs {@code commandLine} (a harmless one, such as {@code vector:list}): command bundles
     * register their commands when they start, which may be after {@code /readyz} turned 200.
     */
    protected void awaitCommand(String commandLine) throws Exception {
        eventually(60, "console command " + commandLine, () -> {
            try {
                console(commandLine);
                return true;
            } catch (Exception e) { // gogo's CommandNotFoundException (not visible to this probe bundle)
                if (e.getClass().getSimpleName().equals("CommandNotFoundException")) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** Runs a console command; returns what it printed to stdout and stderr, together. */
    protected String console(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessionFactory.create(System.in, out, out);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            // as an administrator, so that ACL-guarded commands such as feature:uninstall are allowed
            Subject admin = new Subject();
            admin.getPrincipals().add(new UserPrincipal("karaf"));
            admin.getPrincipals().add(new RolePrincipal("admin"));
            Object result = Subject.doAs(admin, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                out.println(result);
            }
        } catch (PrivilegedActionException e) {
            throw e.getException();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            session.close();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Runs a console command and checks that what it printed contains each of {@code expected}; returns that. */
    protected String consoleShows(String command, String... expected) throws Exception {
        return assertContains(console(command), expected);
    }

    /** Runs a console command that must fail; checks that its message contains each of {@code expected}. */
    protected String consoleFails(String command, String... expected) throws Exception {
        return assertContains(consoleFailure(command), expected);
    }

    private static String assertContains(String out, String... expected) {
        for (String e : expected) {
            assertTrue(out, out.contains(e));
        }
        return out;
    }

    /**
     * Runs a console command that must fail as Karaf's commands fail: it throws the {@link CommandException} that the
     * console prints and that makes {@code bin/client -b} exit non-zero. Returns the line the console shows for it.
     */
    protected String consoleFailure(String command) throws Exception {
        try {
            String out = console(command);
            throw new AssertionError("'" + command + "' did not fail; it printed: " + out);
        } catch (CommandException e) {
            return e.getNiceHelp();
        }
    }

    /**
     * Uninstalls {@code feature} and waits until {@code gone} holds, then installs it again and waits until
     * {@code back} holds; pauses before, between and after, so that calls under load meet every state.
     */
    protected void featureLeavesAndReturns(String feature, Callable<Boolean> gone, Callable<Boolean> back)
            throws Exception {
        Thread.sleep(500);
        String out = console("feature:uninstall " + feature);
        assertFalse(out, out.toLowerCase(Locale.ROOT).contains("error"));
        eventually(60, feature + " gone", gone);
        Thread.sleep(500);
        console("feature:install " + feature);
        eventually(120, feature + " back", back);
        Thread.sleep(500);
    }

    /** Polls a condition for up to {@code seconds}. */
    protected static void eventually(int seconds, String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception | AssertionError e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for: " + what, last);
    }
}
