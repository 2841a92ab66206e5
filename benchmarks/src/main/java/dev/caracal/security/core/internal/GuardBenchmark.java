package dev.caracal.security.core.internal;

import dev.caracal.security.Grants;
import dev.caracal.security.KeyRequest;
import dev.caracal.security.NewKey;
import dev.caracal.security.Principal;
import dev.caracal.security.Role;
import dev.caracal.security.limits.RateLimiter;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What the security guard costs each request, in microseconds: verifying a key among {@code keys} issued ones (hash
 * and lookup), one rate-limit check, and the guard's whole decision for a gateway call (key, role, the per-key,
 * per-tenant and global request limits, the headers). Before the guard existed a request paid none of it, so the
 * figures are the whole cost. In this package to reach the guard's parts; run it with
 * {@code $J dev.caracal.security.core.internal.GuardBenchmark [keys] [seconds]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GuardBenchmark {
    @Param("10000")
    int keys;

    Path dir;
    SecurityDatabase db;
    KeyIndex index;
    Guard guardWithLimits;
    Guard guardWithoutLimits;
    RateLimiter limiter;
    String secret;
    HttpServletRequest request;
    HttpServletResponse response;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("guard-bench");
        db = SecurityDatabase.open(dir);
        AuditStore audit = new AuditStore(db);
        index = new KeyIndex();
        Administration admin = new Administration(db, index, audit, List::of, Clock.systemUTC(), Duration.ofHours(1));
        admin.ensureTenant("default");
        // keys - 1 rows at once (one reload), then the measured key through the service
        db.run(c -> {
            for (int i = 1; i < keys; i++) {
                String sec = Secrets.newSecret();
                Tables.insertKey(
                        c,
                        new Tables.KeyRow(
                                new dev.caracal.security.ApiKey(
                                        Secrets.newId(),
                                        "k" + i,
                                        "default",
                                        Role.WRITER,
                                        Secrets.prefixOf(sec),
                                        Instant.now(),
                                        null,
                                        null,
                                        null,
                                        Grants.ALL,
                                        null),
                                Secrets.hash(sec),
                                Administration.ORIGIN_API));
            }
            return null;
        });
        NewKey k = admin.createKey(
                new KeyRequest("measured", "default", Role.WRITER, null, Grants.ALL), Principal.OPERATOR);
        secret = k.secret();
        BrowserRules browser = new BrowserRules(new String[0], new String[0]);
        int huge = Integer.MAX_VALUE / 2; // limits on, never reached: the checks are measured, not refusals
        guardWithLimits = new Guard(
                index,
                List::of,
                Clock.systemUTC(),
                new Guard.Settings(
                        true,
                        browser,
                        new RateLimiter(huge),
                        new RateLimiter(huge),
                        new RateLimiter(huge),
                        new RateLimiter(10)));
        guardWithoutLimits = new Guard(
                index,
                List::of,
                Clock.systemUTC(),
                new Guard.Settings(
                        true,
                        browser,
                        new RateLimiter(0),
                        new RateLimiter(0),
                        new RateLimiter(0),
                        new RateLimiter(10)));
        limiter = new RateLimiter(huge);
        request = request(Map.of(
                "Authorization", "Bearer " + secret, "Content-Type", "application/json", "Host", "localhost:8181"));
        response = (HttpServletResponse) Proxy.newProxyInstance(
                GuardBenchmark.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> null);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        db.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }

    /** A POST /v1/chat/completions as the guard sees it. */
    static HttpServletRequest request(Map<String, String> headers) {
        Map<String, Object> attributes = new HashMap<>();
        return (HttpServletRequest) Proxy.newProxyInstance(
                GuardBenchmark.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getHeader" -> headers.get((String) a[0]);
                    case "getMethod" -> "POST";
                    case "getServletPath" -> "/v1/chat/completions";
                    case "getPathInfo", "getQueryString" -> null;
                    case "getRequestURI" -> "/v1/chat/completions";
                    case "getRemoteAddr" -> "127.0.0.1";
                    case "getScheme" -> "http";
                    case "getContentType" -> headers.get("Content-Type");
                    case "getContentLengthLong" -> 120L;
                    case "setAttribute" -> attributes.put((String) a[0], a[1]);
                    case "getAttribute" -> attributes.get((String) a[0]);
                    default -> null;
                });
    }

    @Benchmark
    public Object verifyKey() {
        return index.verify(secret, Instant.now());
    }

    @Benchmark
    public Object rateLimitCheck() {
        return limiter.take("key_0123456789abcdef", 1, System.nanoTime());
    }

    @Benchmark
    public boolean guardWithoutLimits() throws Exception {
        return guardWithoutLimits.admit(request, response);
    }

    @Benchmark
    public boolean guardWithThreeLimits() throws Exception {
        return guardWithLimits.admit(request, response);
    }

    public static void main(String[] args) throws Exception {
        String keys = args.length > 0 ? args[0] : "10000";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        TimeValue iteration = TimeValue.milliseconds(Math.round(seconds * 1000));
        var results = new Runner(new OptionsBuilder()
                        .include(GuardBenchmark.class.getName())
                        .param("keys", keys)
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(iteration)
                        .measurementIterations(5)
                        .measurementTime(iteration)
                        .build())
                .run();
        PrintStream out = System.out;
        out.println();
        out.printf("Security guard per request, %s keys issued (microseconds, 99.9%% CI):%n", keys);
        for (var r : results) {
            var s = r.getPrimaryResult();
            out.printf(
                    "  %-22s %8.3f +- %.3f%n",
                    r.getParams().getBenchmark().replaceAll(".*\\.", ""), s.getScore(), s.getScoreError());
        }
    }
}
