package dev.docpipe.adapter.postgres;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The connections of the pool, opened with a JDBC URL that a {@link UrlSource} keeps (e.g. read from
 * Secrets Manager once per container). When PostgreSQL refuses the credentials (SQLState {@code 28P01}
 * invalid password, {@code 28000} invalid authorization), the URL is read again and, if it changed
 * (the secret was rotated), the connection is tried once more with the new one.
 */
public final class RefreshingUrlDataSource implements DataSource {
    static final String INVALID_PASSWORD = "28P01";
    static final String INVALID_AUTHORIZATION = "28000";

    /** Where the JDBC URL (credentials included) comes from. */
    public interface UrlSource {
        /** The URL, as cached. */
        String url();

        /** The URL read again from its origin (after the database refused the cached one). */
        String refresh();
    }

    private final UrlSource source;
    private final Properties properties;
    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    private volatile int loginTimeoutSeconds;

    /** @param properties driver properties (e.g. {@code connectTimeout}); the URL's own parameters win */
    public RefreshingUrlDataSource(UrlSource source, Properties properties) {
        this.source = Objects.requireNonNull(source, "source");
        this.properties = (Properties) properties.clone();
    }

    @Override
    public Connection getConnection() throws SQLException {
        String url = source.url();
        try {
            return open(url);
        } catch (SQLException e) {
            if (!isAuthenticationFailure(e)) {
                throw e;
            }
            String fresh;
            try {
                fresh = source.refresh();
            } catch (RuntimeException refreshFailed) {
                e.addSuppressed(refreshFailed);
                throw e;
            }
            if (fresh.equals(url)) {
                throw e;
            }
            return open(fresh);
        }
    }

    static boolean isAuthenticationFailure(SQLException e) {
        return INVALID_PASSWORD.equals(e.getSQLState()) || INVALID_AUTHORIZATION.equals(e.getSQLState());
    }

    private Connection open(String url) throws SQLException {
        Connection c = driver.connect(url, properties);
        if (c == null) {
            throw new SQLException("not a PostgreSQL JDBC URL", "08001");
        }
        return c;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the credentials are part of the URL");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // the driver logs through java.util.logging
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
        properties.setProperty("loginTimeout", Integer.toString(seconds));
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
