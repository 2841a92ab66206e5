package dev.caracal.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS as the README describes it: a keystore (generated here with the JDK's keytool, as an operator would) and four
 * lines in {@code etc/org.ops4j.pax.web.cfg}. Over TLS the surfaces answer as over HTTP, keys included; a client that
 * does not trust the certificate cannot connect.
 */
class HttpsIT {
    static final String PASSWORD = "itest-keystore-pass";

    @TempDir
    static Path work;

    static KarafProcess karaf;
    static int httpsPort;
    static Path keystore;

    @BeforeAll
    static void start() throws Exception {
        keystore = work.resolve("caracal.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "caracal",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD)
                .redirectErrorStream(true)
                .start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertEquals(0, keytool.waitFor(), out);
        karaf = new KarafProcess(work);
        httpsPort = KarafProcess.freePort();
        karaf.setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.secure.enabled", "true");
        karaf.setProperty(
                "etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port.secure", Integer.toString(httpsPort));
        karaf.setProperty("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.ssl.keystore", keystore.toString());
        karaf.setProperty("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.ssl.keystore.type", "PKCS12");
        karaf.setProperty("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.ssl.keystore.password", PASSWORD);
        karaf.setProperty("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.ssl.key.password", PASSWORD);
        karaf.start();
    }

    @AfterAll
    static void stop() throws Exception {
        KarafProcess.closeAll(karaf);
    }

    /** A client that trusts exactly the generated certificate. */
    static HttpClient trusting() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = ks.getCertificate("caracal");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("caracal", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + path))
                .timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theSurfacesAnswerOverTlsWithTheirKeys() throws Exception {
        HttpClient client = trusting();
        assertEquals(200, get(client, "/readyz").statusCode());
        HttpResponse<String> noKey = get(client, "/api/v1/collections");
        assertEquals(401, noKey.statusCode(), noKey.body());
        HttpResponse<String> listed =
                get(client, "/api/v1/collections", "Authorization", "Bearer " + CaracalTestSupport.ADMIN_KEY);
        assertEquals(200, listed.statusCode(), listed.body());
        HttpResponse<String> models =
                get(client, "/v1/models", "Authorization", "Bearer " + CaracalTestSupport.ADMIN_KEY);
        assertEquals(200, models.statusCode(), models.body());
        assertTrue(models.body().contains("\"object\":\"list\""), models.body());
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateCannotConnect() throws Exception {
        HttpClient stranger =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            get(stranger, "/readyz");
            throw new AssertionError("a self-signed certificate was accepted by a client that does not trust it");
        } catch (SSLHandshakeException expected) {
            // as it should
        } catch (java.io.IOException e) {
            assertTrue(
                    List.of(e.getClass().getName(), String.valueOf(e.getCause()))
                            .toString()
                            .contains("SSL"),
                    e.toString());
        }
    }
}
