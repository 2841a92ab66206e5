package dev.caracal.llm.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A mock LLM upstream for tests: aimock ({@code @copilotkit/aimock}, pinned by this module's package-lock) run by
 * Node.js as a child process on 127.0.0.1 and an OS-assigned port. It speaks the real wire protocols (OpenAI
 * {@code /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/models}, Anthropic {@code /v1/messages}, Ollama
 * {@code /api/chat}, ...) over real HTTP, streaming included, and answers from {@link Fixture}s.
 *
 * <pre>{@code
 * try (MockUpstream upstream = MockUpstream.builder()
 *         .fixture(Fixture.whenUserSays("hello").reply("Hi there"))
 *         .start()) {
 *     String openAiBase = upstream.openAiBaseUrl();   // http://127.0.0.1:<port>/v1
 *     upstream.failNext(2, 503, "server_error", "down"); // the next two requests fail
 *     ...
 *     upstream.journal();                              // what the mock received
 * }
 * }</pre>
 *
 * The child process ends when {@link #close()} closes its stdin (it watches stdin, so it also ends when the JVM dies,
 * even by SIGKILL), else by SIGTERM, else by SIGKILL; a JVM shutdown hook closes instances a test forgot. See the
 * module README for how node and the package are found.
 */
public final class MockUpstream implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<MockUpstream> LIVE = ConcurrentHashMap.newKeySet();
    private static final int MAX_OUTPUT_LINES = 400;

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (MockUpstream upstream : List.copyOf(LIVE)) {
                                upstream.close();
                            }
                        },
                        "caracal-mock-upstream-shutdown"));
    }

    private final Process process;
    private final String baseUrl;
    private final Path configFile;
    private final List<ObjectNode> initialFixtures;
    private final HttpClient http;
    private final String controlKey;
    private final boolean inFlightCounting;
    private final Deque<String> output;
    private volatile boolean closed;

    private MockUpstream(
            Process process,
            String baseUrl,
            Path configFile,
            List<ObjectNode> initialFixtures,
            String controlKey,
            boolean inFlightCounting,
            Deque<String> output) {
        this.process = process;
        this.inFlightCounting = inFlightCounting;
        this.controlKey = controlKey;
        this.baseUrl = baseUrl;
        this.configFile = configFile;
        this.initialFixtures = initialFixtures;
        this.output = output;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a mock answering the given fixtures, without chaos. */
    public static MockUpstream start(Fixture... fixtures) {
        return builder().fixtures(List.of(fixtures)).start();
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The base URL an OpenAI client takes: {@code baseUrl() + "/v1"}. */
    public String openAiBaseUrl() {
        return baseUrl + "/v1";
    }

    /** The operating system process id of the node process. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines the node process wrote (stdout and stderr), for diagnostics. */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    // ---- fixtures ----

    /** Appends fixtures (they match after the ones already there). */
    public void addFixtures(Fixture... fixtures) {
        addFixtures(List.of(fixtures));
    }

    public void addFixtures(List<Fixture> fixtures) {
        ArrayNode array = MAPPER.createArrayNode();
        fixtures.forEach(f -> array.add(f.toJson()));
        postFixtures(array);
    }

    private void postFixtures(ArrayNode array) {
        if (array.isEmpty()) {
            return;
        }
        ObjectNode body = MAPPER.createObjectNode();
        body.set("fixtures", array);
        control("POST", "/__aimock/fixtures", Fixture.write(body));
    }

    /** Removes every fixture (and queued one-shot error). */
    public void clearFixtures() {
        control("DELETE", "/__aimock/fixtures", null);
    }

    /** Replaces all fixtures by these. */
    public void replaceFixtures(Fixture... fixtures) {
        clearFixtures();
        addFixtures(fixtures);
    }

    /**
     * Back to the state after {@link Builder#start()}: the builder's fixtures and chaos, an empty journal, fresh
     * {@code sequenceIndex} counters, zeroed {@link #stats()}.
     */
    public void reset() {
        control("POST", "/__aimock/reset", null);
        ArrayNode array = MAPPER.createArrayNode();
        initialFixtures.forEach(f -> array.add(f.deepCopy()));
        postFixtures(array);
        resetStats();
    }

    // ---- faults ----

    /**
     * The next {@code count} requests to a chat or embeddings endpoint, whatever they ask, answer HTTP {@code status}
     * with the provider's error envelope ({@code type}, {@code message}); then the fixtures answer again. aimock's
     * one-shot errors: a 429 carries {@code Retry-After: 1} (aimock offers no other value here; use
     * {@link Fixture#retryAfterSeconds} on a fixture for another). {@code status} must be 400-599.
     */
    public void failNext(int count, int status, String type, String message) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("status", status);
        ObjectNode error = body.putObject("body");
        error.put("message", message);
        if (type != null) {
            error.put("type", type);
        }
        String json = Fixture.write(body);
        for (int i = 0; i < count; i++) {
            control("POST", "/__aimock/error", json);
        }
    }

    /** Server-wide fault injection from now on, replacing the previous server-wide chaos. */
    public void setChaos(Chaos chaos) {
        control("POST", "/__aimock/chaos", Fixture.write(chaos.toJson()));
    }

    /** Back to the chaos the mock was started with. */
    public void clearChaos() {
        control("DELETE", "/__aimock/chaos", null);
    }

    // ---- observation ----

    /** Every request aimock recorded since the start or the last {@link #clearJournal()}, oldest first. */
    public List<JournalEntry> journal() {
        return journal(null);
    }

    /**
     * How many recorded requests on a path containing {@code pathContains} have a body whose JSON text contains
     * {@code text} (e.g. a user message: how often a client sent, or retried, one request).
     */
    public long requestsContaining(String pathContains, String text) {
        return journal(pathContains).stream()
                .filter(e -> e.body() != null && e.body().toString().contains(text))
                .count();
    }

    /** The recorded requests whose path contains {@code pathContains}, oldest first. */
    public List<JournalEntry> journal(String pathContains) {
        String query = pathContains == null ? "" : "?path=" + URLEncoder.encode(pathContains, StandardCharsets.UTF_8);
        JsonNode array = readJson(control("GET", "/__aimock/journal" + query, null));
        List<JournalEntry> entries = new ArrayList<>();
        for (JsonNode e : array) {
            Map<String, String> headers = new LinkedHashMap<>();
            e.path("headers")
                    .fields()
                    .forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            JsonNode response = e.path("response");
            entries.add(new JournalEntry(
                    e.path("id").asText(),
                    e.path("timestamp").asLong(),
                    e.path("method").asText(),
                    e.path("path").asText(),
                    headers,
                    e.get("body"),
                    response.path("status").asInt(),
                    response.path("interrupted").asBoolean(false),
                    textOrNull(response, "interruptReason"),
                    textOrNull(response, "chaosAction")));
        }
        return entries;
    }

    /** Forgets the recorded requests (fixtures and their sequence counters stay). */
    public void clearJournal() {
        control("POST", "/__aimock/reset/journal", null);
    }

    /** Requests counted by the launcher: received, in flight now, most in flight at once. */
    public RequestStats stats() {
        if (!inFlightCounting) {
            throw new UnsupportedOperationException("this aimock version does not expose its HTTP server to the "
                    + "launcher, so requests in flight cannot be counted");
        }
        JsonNode n = readJson(control("GET", "/__caracal/stats", null));
        return new RequestStats(
                n.path("requests").asLong(),
                n.path("inFlight").asInt(),
                n.path("maxInFlight").asInt());
    }

    /** Zeroes the request count; the in-flight maximum restarts from the requests in flight now. */
    public void resetStats() {
        control("DELETE", "/__caracal/stats", null);
    }

    // ---- lifecycle ----

    /** Stops the node process and waits until it is gone. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(this);
        try {
            try {
                process.getOutputStream().close(); // the launcher exits when its stdin closes
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(configFile);
            } catch (IOException ignored) {
                // temp file; best effort
            }
        }
    }

    @Override
    public String toString() {
        return "MockUpstream[" + baseUrl + ", pid " + process.pid() + (closed ? ", closed" : "") + "]";
    }

    // ---- internals ----

    private String control(String method, String path, String body) {
        if (closed) {
            throw new IllegalStateException("this MockUpstream is closed");
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (controlKey != null) {
            request.header("Authorization", "Bearer " + controlKey);
        }
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("aimock control " + method + " " + path + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("aimock control " + method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("aimock answered no JSON: " + text, e);
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void pump(InputStream in, Deque<String> sink, CompletableFuture<JsonNode> ready) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (ready != null && !ready.isDone() && line.startsWith("{\"event\":")) {
                    try {
                        ready.complete(MAPPER.readTree(line));
                        continue;
                    } catch (JsonProcessingException ignored) {
                        // an ordinary line
                    }
                }
                synchronized (sink) {
                    sink.addLast(line);
                    while (sink.size() > MAX_OUTPUT_LINES) {
                        sink.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            if (ready != null) {
                ready.completeExceptionally(new IllegalStateException("the aimock process ended before it was ready"));
            }
        }
    }

    /** Collects the fixtures and options, then {@link #start()}s the node process. */
    public static final class Builder {
        private final List<ObjectNode> fixtures = new ArrayList<>();
        private Chaos chaos;
        private String logLevel = "warn";
        private boolean strict;
        private List<String> apiKeys = List.of();
        private Duration startTimeout = Duration.ofSeconds(30);

        private Builder() {}

        public Builder fixture(Fixture fixture) {
            fixtures.add(fixture.toJson());
            return this;
        }

        public Builder fixtures(List<Fixture> list) {
            list.forEach(this::fixture);
            return this;
        }

        /** Fixtures from an aimock fixture file: {@code {"fixtures": [ {...}, ... ]}}. */
        public Builder fixtureFile(Path file) {
            try {
                JsonNode root = MAPPER.readTree(file.toFile());
                JsonNode array = root.get("fixtures");
                if (array == null || !array.isArray()) {
                    throw new IllegalArgumentException(file + " has no \"fixtures\" array");
                }
                for (JsonNode f : array) {
                    fixtures.add((ObjectNode) f);
                }
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Server-wide fault injection from the start. */
        public Builder chaos(Chaos chaos) {
            this.chaos = chaos;
            return this;
        }

        /** aimock's log level on the child's stderr ({@code silent}, {@code warn} (default), {@code info}, {@code debug}). */
        public Builder logLevel(String level) {
            this.logLevel = Objects.requireNonNull(level);
            return this;
        }

        /** Answer 503 instead of 404 when no fixture matches. */
        public Builder strict(boolean value) {
            this.strict = value;
            return this;
        }

        /**
         * Accept only requests that carry one of these keys ({@code Authorization: Bearer <key>}, {@code x-api-key},
         * {@code api-key}, ...); others get aimock's 401 {@code authentication_error}. Also guards the control API,
         * which this class then calls with the first key. The journal shows credentials as {@code [REDACTED]}, so
         * this is how a test proves that a client sends its key.
         */
        public Builder requireApiKeys(String... keys) {
            this.apiKeys = List.of(keys);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Starts node with the launcher and waits until the server listens. */
        public MockUpstream start() {
            Path node = AimockInstallation.node();
            Path home = AimockInstallation.home();
            ObjectNode config = MAPPER.createObjectNode();
            ArrayNode array = config.putArray("fixtures");
            fixtures.forEach(f -> array.add(f.deepCopy()));
            if (chaos != null) {
                config.set("chaos", chaos.toJson());
            }
            config.put("logLevel", logLevel);
            config.put("strict", strict);
            ArrayNode keys = config.putArray("apiKeys");
            apiKeys.forEach(keys::add);
            Path configFile;
            try {
                configFile = Files.createTempFile("caracal-aimock-", ".json");
                Files.writeString(configFile, Fixture.write(config));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ProcessBuilder pb = new ProcessBuilder(
                            node.toString(),
                            home.resolve(AimockInstallation.LAUNCHER).toString(),
                            configFile.toString())
                    .directory(home.toFile());
            pb.environment().remove("NODE_OPTIONS");
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                deleteQuietly(configFile);
                throw new UncheckedIOException("cannot start " + node, e);
            }
            Deque<String> output = new ArrayDeque<>();
            CompletableFuture<JsonNode> ready = new CompletableFuture<>();
            Thread out =
                    new Thread(() -> pump(process.getInputStream(), output, ready), "aimock-stdout-" + process.pid());
            Thread err =
                    new Thread(() -> pump(process.getErrorStream(), output, null), "aimock-stderr-" + process.pid());
            out.setDaemon(true);
            err.setDaemon(true);
            out.start();
            err.start();
            JsonNode event;
            try {
                event = ready.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                kill(process);
                deleteQuietly(configFile);
                throw new IllegalStateException(
                        "aimock did not start" + (e instanceof TimeoutException ? " within " + startTimeout : "")
                                + "; its output:\n" + String.join("\n", snapshot(output)),
                        e);
            } catch (InterruptedException e) {
                kill(process);
                deleteQuietly(configFile);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting aimock", e);
            }
            if (!"ready".equals(event.path("event").asText())) {
                kill(process);
                deleteQuietly(configFile);
                throw new IllegalStateException("aimock failed to start: "
                        + event.path("message").asText() + "\n" + String.join("\n", snapshot(output)));
            }
            MockUpstream upstream = new MockUpstream(
                    process,
                    event.path("url").asText(),
                    configFile,
                    List.copyOf(fixtures),
                    apiKeys.isEmpty() ? null : apiKeys.get(0),
                    event.path("inFlightCounting").asBoolean(false),
                    output);
            LIVE.add(upstream);
            return upstream;
        }

        private static List<String> snapshot(Deque<String> output) {
            synchronized (output) {
                return List.copyOf(output);
            }
        }

        private static void kill(Process process) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void deleteQuietly(Path file) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // temp file
            }
        }
    }
}
