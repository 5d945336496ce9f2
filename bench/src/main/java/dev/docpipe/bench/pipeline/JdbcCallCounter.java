package dev.docpipe.bench.pipeline;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Collections;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Counts the SQL statements the job store sends (by first keyword: SELECT, INSERT, UPDATE,
 * DELETE, …, plus commits and rollbacks) under the caller's {@link Calls#role()}: it takes
 * pgjdbc's place in {@link DriverManager} and hands out proxied connections. HikariCP, given a
 * JDBC URL and no driver class (as {@code PostgresJobStore.connect} configures it), asks
 * {@code DriverManager} for the driver, so the store's pool is counted without a hook. One
 * executed statement is one round trip to PostgreSQL.
 */
final class JdbcCallCounter implements Driver {
    private static final Set<String> EXECUTE = Set.of("execute", "executeQuery", "executeUpdate", "executeLargeUpdate",
            "executeBatch", "executeLargeBatch");

    private final Driver delegate;

    private JdbcCallCounter(Driver delegate) {
        this.delegate = delegate;
    }

    /** Replaces the registered pgjdbc driver by a counting one; false if pgjdbc is not registered. */
    static boolean install() {
        try {
            Class.forName("org.postgresql.Driver");
            for (Driver d : Collections.list(DriverManager.getDrivers())) {
                if (d.getClass().getName().equals("org.postgresql.Driver")) {
                    DriverManager.deregisterDriver(d);
                    DriverManager.registerDriver(new JdbcCallCounter(d));
                    return true;
                }
            }
            return false;
        } catch (ClassNotFoundException | SQLException e) {
            return false;
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        Connection c = delegate.connect(url, info);
        return c == null ? null : proxy(Connection.class, c, new ConnectionHandler(c));
    }

    @Override
    public boolean acceptsURL(String url) throws SQLException {
        return delegate.acceptsURL(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return delegate.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return delegate.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return delegate.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return delegate.jdbcCompliant();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    private static <T> T proxy(Class<T> type, T target, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(JdbcCallCounter.class.getClassLoader(), new Class<?>[]{type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static String keyword(String sql) {
        String s = sql.stripLeading();
        int end = 0;
        while (end < s.length() && Character.isLetter(s.charAt(end))) {
            end++;
        }
        return end == 0 ? "?" : s.substring(0, end).toUpperCase(Locale.ROOT);
    }

    private record ConnectionHandler(Connection target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("unwrap") && args != null && args[0] instanceof Class<?> c && c.isInstance(target)) {
                return target; // let HikariCP and pgjdbc extensions see the real connection
            }
            Object result = JdbcCallCounter.invoke(target, method, args);
            switch (name) {
                case "commit" -> Calls.count("sql", "COMMIT");
                case "rollback" -> Calls.count("sql", "ROLLBACK");
                case "prepareStatement" -> {
                    String sql = (String) args[0];
                    return proxy(PreparedStatement.class, (PreparedStatement) result, new StatementHandler(result, sql));
                }
                case "createStatement" -> {
                    return proxy(Statement.class, (Statement) result, new StatementHandler(result, null));
                }
                default -> {
                }
            }
            return result;
        }
    }

    private record StatementHandler(Object target, String sql) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (EXECUTE.contains(method.getName())) {
                String text = args != null && args.length > 0 && args[0] instanceof String s ? s : sql;
                Calls.count("sql", text == null ? "?" : keyword(text));
            }
            return JdbcCallCounter.invoke(target, method, args);
        }
    }
}
