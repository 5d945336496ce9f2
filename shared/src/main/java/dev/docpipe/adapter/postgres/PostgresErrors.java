package dev.docpipe.adapter.postgres;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/** Turns {@link SQLException}s into domain exceptions, so no SQL type leaves the adapter. */
final class PostgresErrors {
    static final String UNIQUE_VIOLATION = "23505";
    static final String SERIALIZATION_FAILURE = "40001";
    static final String DEADLOCK_DETECTED = "40P01";

    /** SQLStates that say "try again later" rather than "this request is wrong". */
    private static final Set<String> TRANSIENT_STATES = Set.of(
            SERIALIZATION_FAILURE, DEADLOCK_DETECTED,
            "55P03",  // lock_not_available
            "57014",  // query_canceled (statement_timeout)
            "25006"); // read_only_sql_transaction: connected to a standby during a failover

    private PostgresErrors() {
    }

    /** {@link ErrorCode#STORE_UNAVAILABLE} for connection and other transient problems, else {@link ErrorCode#INTERNAL}. */
    static DocpipeException translate(SQLException e) {
        if (isTransient(e)) {
            return new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "job store unavailable", null, e);
        }
        return new DocpipeException(ErrorCode.INTERNAL, "job store error (SQLState " + e.getSQLState() + ")", null, e);
    }

    static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException || e instanceof SQLTimeoutException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08")     // connection_exception
                || state.startsWith("53")  // insufficient_resources, e.g. too_many_connections
                || state.startsWith("57P") // admin_shutdown, crash_shutdown, cannot_connect_now
                || TRANSIENT_STATES.contains(state);
    }

    /** Rolls back after {@code cause}; a failing rollback (the connection is gone) is kept as suppressed. */
    static void rollbackQuietly(Connection c, SQLException cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    static boolean isState(SQLException e, String state) {
        return state.equals(e.getSQLState());
    }
}
