package dev.caracal.gateway.openai.http.store;

import dev.caracal.core.db.SchemaMigrations;
import dev.caracal.core.db.Transactions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored responses in H2 SQL, in {@code <directory>/responses.mv.db}: one table keyed by (tenant, id), so every
 * lookup is within a tenant, with an index on the creation time for the retention purge. One connection, used by one
 * caller at a time; every call is a transaction, committed at once (no write delay), so a stored response survives a
 * kill. The schema is versioned as the security database's is ({@link SchemaMigrations}): {@link #MIGRATIONS} are
 * applied in order at open and recorded in {@code schema_version}, and a database newer than this code is refused,
 * not misread.
 */
public final class H2ResponseStore implements ResponseStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(H2ResponseStore.class);

    /** Schema version n is MIGRATIONS.get(n - 1). Append only: never edit a released migration. */
    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE stored_responses (
                tenant VARCHAR(63) NOT NULL,
                id VARCHAR(200) NOT NULL,
                created_at BIGINT NOT NULL,
                response CHARACTER LARGE OBJECT NOT NULL,
                input CHARACTER LARGE OBJECT NOT NULL,
                PRIMARY KEY (tenant, id)
            );
            CREATE INDEX stored_responses_created ON stored_responses(created_at);
            """);

    private final Connection connection;
    private final Path file;
    private final long maxChars;

    private H2ResponseStore(Connection connection, Path file, long maxChars) {
        this.connection = connection;
        this.file = file;
        this.maxChars = maxChars;
    }

    /**
     * Opens (creating it when needed) the database {@code responses} in {@code directory} and migrates its schema.
     *
     * @param maxChars the most characters of JSON one stored response may take
     */
    public static H2ResponseStore open(Path directory, long maxChars) {
        try {
            Files.createDirectories(directory);
            Path base = directory.resolve("responses").toAbsolutePath();
            String url = "jdbc:h2:file:" + base + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
            Connection c = new org.h2.Driver().connect(url, new Properties());
            c.setAutoCommit(false);
            H2ResponseStore store = new H2ResponseStore(c, Path.of(base + ".mv.db"), maxChars);
            try {
                store.migrate();
            } catch (SQLException | RuntimeException e) {
                store.close();
                throw e;
            }
            return store;
        } catch (SQLException | IOException e) {
            throw ResponseStoreException.failed(
                    "the stored responses in " + directory + " cannot be opened: " + e.getMessage(), e);
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    private void migrate() throws SQLException {
        SchemaMigrations.migrate(
                connection,
                MIGRATIONS,
                "the stored responses database",
                H2ResponseStore::failure,
                LOG,
                "Stored responses " + file);
    }

    @Override
    public void save(StoredResponse r) {
        if (r.size() > maxChars) {
            throw ResponseStoreException.tooLarge(r.size(), maxChars);
        }
        run(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "MERGE INTO stored_responses (tenant, id, created_at, response, input) KEY (tenant, id) "
                            + "VALUES (?, ?, ?, ?, ?)")) {
                p.setString(1, r.tenant());
                p.setString(2, r.id());
                p.setLong(3, r.createdAt());
                p.setString(4, r.response());
                p.setString(5, r.input());
                p.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<StoredResponse> find(String tenant, String id) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT created_at, response, input FROM stored_responses WHERE tenant = ? AND id = ?")) {
                p.setString(1, tenant);
                p.setString(2, id);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredResponse(tenant, id, rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
        });
    }

    @Override
    public boolean delete(String tenant, String id) {
        return update("DELETE FROM stored_responses WHERE tenant = ? AND id = ?", tenant, id) > 0;
    }

    @Override
    public long count(String tenant) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM stored_responses WHERE tenant = ?")) {
                p.setString(1, tenant);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public long deleteAll(String tenant) {
        return update("DELETE FROM stored_responses WHERE tenant = ?", tenant);
    }

    @Override
    public long purgeCreatedBefore(long epochSecond) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM stored_responses WHERE created_at < ?")) {
                p.setLong(1, epochSecond);
                return (long) p.executeUpdate();
            }
        });
    }

    @Override
    public long maxChars() {
        return maxChars;
    }

    private long update(String sql, String... args) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    p.setString(i + 1, args[i]);
                }
                return (long) p.executeUpdate();
            }
        });
    }

    /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
    private synchronized <T> T run(Transactions.Work<T> work) {
        return Transactions.run(connection, work, H2ResponseStore::failure);
    }

    private static RuntimeException failure(SQLException e) {
        return ResponseStoreException.failed("the stored responses database failed: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing the stored responses database {} failed", file, e);
        }
    }
}
