package dev.caracal.core.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * A versioned SQL schema: schema version {@code n} is what the first {@code n} migrations make, and the table
 * {@code schema_version} records each version applied. Opening a database applies the migrations it has not had, in
 * order, so a newer bundle upgrades an older database, and refuses a database newer than the migrations it knows
 * instead of misreading it. Migrations are append-only: a released one is never edited.
 */
public final class SchemaMigrations {

    private SchemaMigrations() {}

    /**
     * Brings the schema on {@code connection} (auto-commit off) up to {@code migrations.size()}: reads the version
     * (creating {@code schema_version} when there is none), then runs each missing migration with its record in one
     * transaction ({@link Transactions#run} with {@code failure}), logging {@code "<label>: schema migrated to version
     * <n>"} at INFO on {@code log} after each.
     *
     * @param database what the database is, for the refusal ("the security database")
     * @throws SQLException when the database's version is newer than {@code migrations} knows
     */
    public static void migrate(
            Connection connection,
            List<String> migrations,
            String database,
            Function<SQLException, ? extends RuntimeException> failure,
            Logger log,
            String label)
            throws SQLException {
        int current = Transactions.run(
                connection,
                c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, applied_at "
                                + "TIMESTAMP WITH TIME ZONE NOT NULL)");
                        try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                            rs.next();
                            return rs.getInt(1);
                        }
                    }
                },
                failure);
        if (current > migrations.size()) {
            throw new SQLException(database + " has schema version " + current
                    + ", newer than this Caracal understands (" + migrations.size() + "); use a newer Caracal");
        }
        for (int v = current + 1; v <= migrations.size(); v++) {
            int version = v;
            Transactions.run(
                    connection,
                    c -> {
                        try (Statement s = c.createStatement()) {
                            s.execute(migrations.get(version - 1));
                        }
                        try (PreparedStatement p = c.prepareStatement(
                                "INSERT INTO schema_version (version, applied_at) VALUES (?, CURRENT_TIMESTAMP)")) {
                            p.setInt(1, version);
                            p.executeUpdate();
                        }
                        return null;
                    },
                    failure);
            log.info("{}: schema migrated to version {}", label, version);
        }
    }
}
