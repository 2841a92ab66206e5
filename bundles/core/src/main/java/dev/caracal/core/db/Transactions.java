package dev.caracal.core.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * Units of work on a JDBC connection whose auto-commit is off, each one transaction: committed when it returns,
 * rolled back when it throws. The caller keeps the connection to one unit at a time (a {@code synchronized} method
 * around {@link #run}).
 */
public final class Transactions {

    /** A unit of work on the connection, run in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transactions() {}

    /**
     * Runs {@code work} on {@code connection} and commits; when it throws, rolls back (a failed rollback is added to
     * the failure as suppressed) and rethrows a {@link RuntimeException} as it is, an {@link SQLException} as
     * {@code failure} maps it.
     */
    public static <T> T run(
            Connection connection, Work<T> work, Function<SQLException, ? extends RuntimeException> failure) {
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw failure.apply((SQLException) e);
        }
    }
}
