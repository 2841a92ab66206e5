package dev.caracal.security.core.internal;

import dev.caracal.core.db.SchemaMigrations;
import dev.caracal.core.db.Transactions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relational store of the security bundle: H2 SQL in {@code <karaf.data>/caracal/security.mv.db} holding tenants,
 * API keys (a SHA-256 of each secret, never the secret) and the audit log. One connection, used by one caller at a
 * time ({@link #run}); every unit of work is a transaction. The schema is versioned ({@link SchemaMigrations}):
 * {@link #MIGRATIONS} are applied in order at open, each recorded in {@code schema_version}, so a newer bundle upgrades
 * an older database and an older bundle refuses a newer one instead of misreading it.
 */
final class SecurityDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityDatabase.class);

    /** Schema version n is MIGRATIONS.get(n - 1). Append only: never edit a released migration. */
    static final List<String> MIGRATIONS = List.of("""
            CREATE TABLE tenants (
                name VARCHAR(63) PRIMARY KEY,
                created_at TIMESTAMP WITH TIME ZONE NOT NULL
            );
            CREATE TABLE api_keys (
                id VARCHAR(32) PRIMARY KEY,
                name VARCHAR(200) NOT NULL,
                tenant VARCHAR(63) NOT NULL REFERENCES tenants(name),
                role VARCHAR(16) NOT NULL,
                prefix VARCHAR(16) NOT NULL,
                secret_hash BINARY(32) NOT NULL UNIQUE,
                origin VARCHAR(16) NOT NULL,
                created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                last_used_at TIMESTAMP WITH TIME ZONE,
                expires_at TIMESTAMP WITH TIME ZONE,
                revoked_at TIMESTAMP WITH TIME ZONE,
                grant_collections VARCHAR(8000) NOT NULL,
                grant_models VARCHAR(8000) NOT NULL,
                rotated_to VARCHAR(32)
            );
            CREATE INDEX api_keys_tenant ON api_keys(tenant);
            CREATE TABLE audit_log (
                id BIGINT AUTO_INCREMENT PRIMARY KEY,
                at TIMESTAMP WITH TIME ZONE NOT NULL,
                actor VARCHAR(300) NOT NULL,
                tenant VARCHAR(63),
                action VARCHAR(100) NOT NULL,
                target VARCHAR(1000),
                outcome VARCHAR(200) NOT NULL,
                detail VARCHAR(2000)
            );
            CREATE INDEX audit_log_at ON audit_log(at);
            """);

    private final Connection connection;
    private final Path file;

    private SecurityDatabase(Connection connection, Path file) {
        this.connection = connection;
        this.file = file;
    }

    /** Opens (creating it if needed) the database {@code security} in {@code directory} and migrates its schema. */
    static SecurityDatabase open(Path directory) {
        try {
            Files.createDirectories(directory);
            Path base = directory.resolve("security").toAbsolutePath();
            Properties props = new Properties();
            // commits are written at once (not after H2's default half-second delay): a key or an audit entry that
            // was acknowledged survives a kill
            String url = "jdbc:h2:file:" + base + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
            Connection c = new org.h2.Driver().connect(url, props);
            c.setAutoCommit(false);
            SecurityDatabase db = new SecurityDatabase(c, Path.of(base + ".mv.db"));
            db.migrate();
            return db;
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException(
                    "the security database in " + directory + " cannot be opened: " + e.getMessage(), e);
        }
    }

    /** The database file (for messages). */
    Path file() {
        return file;
    }

    private void migrate() throws SQLException {
        SchemaMigrations.migrate(
                connection,
                MIGRATIONS,
                "the security database",
                SecurityDatabase::failure,
                LOG,
                "Security database " + file);
    }

    /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
    synchronized <T> T run(Transactions.Work<T> work) {
        return Transactions.run(connection, work, SecurityDatabase::failure);
    }

    private static RuntimeException failure(SQLException e) {
        return new IllegalStateException("the security database failed: " + e.getMessage(), e);
    }

    /** The schema version now (tests). */
    int schemaVersion() {
        return run(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing the security database failed", e);
        }
    }
}
