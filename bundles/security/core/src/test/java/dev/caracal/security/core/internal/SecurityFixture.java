package dev.caracal.security.core.internal;

import dev.caracal.security.Authenticator;
import dev.caracal.security.TenantData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** The security bundle's parts over a real database in a test directory, wired as the component wires them. */
final class SecurityFixture implements AutoCloseable {
    final Path directory;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
    final List<TenantData> tenantData = new CopyOnWriteArrayList<>();
    final List<Authenticator> authenticators = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    SecurityDatabase db;
    AuditStore audit;
    KeyIndex index;
    Administration admin;
    Guard guard;

    SecurityFixture(Path directory) {
        this.directory = directory;
    }

    /** Opens the database and runs the first-start bootstrap with {@code env} as the environment. */
    SecurityFixture open(Map<String, String> env, SecurityConfigValues config) {
        db = SecurityDatabase.open(directory);
        audit = new AuditStore(db);
        index = new KeyIndex();
        admin = new Administration(db, index, audit, () -> new ArrayList<>(tenantData), clock, Duration.ofHours(24));
        Bootstrap.run(
                admin,
                index,
                audit,
                directory,
                env::get,
                new PrintStream(console, true, StandardCharsets.UTF_8),
                clock);
        guard = new Guard(index, () -> authenticators, clock, config.settings());
        return this;
    }

    /** What the console showed at start. */
    String consoleText() {
        return console.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
        }
    }
}
