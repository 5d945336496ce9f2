package dev.docpipe.adapter.postgres;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the schema migrations kept in {@code src/main/resources/db/postgres/V<n>__<name>.sql}, each
 * once, in version order, each in its own transaction. A {@code schema_migrations} table records what
 * was applied; {@code pg_advisory_xact_lock} serialises processes that start at the same moment, so
 * exactly one of them applies a pending file and the others see it as done.
 *
 * <p>A process whose schema is already current only reads {@code schema_migrations}: no lock, no DDL
 * (so a start needs no more than read access once the schema is in place).
 */
final class PostgresMigrations {
    /** Every migration file, in any order. A test checks that this lists the whole resource folder. */
    static final List<String> FILES = List.of("V1__jobs.sql", "V2__stage_lease.sql", "V4__erase.sql",
            "V5__find_by_file.sql");
    static final String FOLDER = "/db/postgres/";

    /** Key of the advisory lock that serialises migrations: "docpipe" in ASCII. */
    private static final long LOCK_KEY = 0x646f_6370_6970_65L;
    private static final Pattern FILE_NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");
    private static final String CREATE_TABLE = """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    int PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL
            )""";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresMigrations.class);

    private PostgresMigrations() {
    }

    /** One migration file. */
    record Migration(int version, String name, String file) {
        String sql() {
            try (InputStream in = PostgresMigrations.class.getResourceAsStream(FOLDER + file)) {
                if (in == null) {
                    throw new IllegalStateException("migration " + file + " is missing from the classpath");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read migration " + file, e);
            }
        }
    }

    /** The known migrations, in version order. */
    static List<Migration> all() {
        List<Migration> out = new ArrayList<>();
        Set<Integer> versions = new HashSet<>();
        for (String file : FILES) {
            Migration m = parse(file);
            if (!versions.add(m.version())) {
                throw new IllegalStateException("two migrations have version " + m.version());
            }
            out.add(m);
        }
        out.sort(Comparator.comparingInt(Migration::version));
        return out;
    }

    static Migration parse(String file) {
        Matcher m = FILE_NAME.matcher(file);
        if (!m.matches()) {
            throw new IllegalStateException("migration file name " + file + " is not V<n>__<name>.sql");
        }
        return new Migration(Integer.parseInt(m.group(1)), m.group(2), file);
    }

    /**
     * Brings the schema up to date.
     *
     * @return the versions this call applied (empty when another process had, or the schema was current)
     */
    static List<Integer> apply(DataSource dataSource, Clock clock) throws SQLException {
        List<Migration> migrations = all();
        try (Connection c = dataSource.getConnection()) {
            Set<Integer> applied = appliedIfTableExists(c);
            if (migrations.stream().allMatch(m -> applied.contains(m.version()))) {
                return List.of();
            }
            c.setAutoCommit(false);
            List<Integer> done = new ArrayList<>();
            for (Migration m : migrations) {
                try {
                    if (applyOne(c, m, clock)) {
                        done.add(m.version());
                    }
                } catch (SQLException e) {
                    PostgresErrors.rollbackQuietly(c, e);
                    throw e;
                }
            }
            c.setAutoCommit(true);
            return done;
        }
    }

    /** Applies {@code m} in one transaction unless it is recorded as applied. @return whether it applied it */
    private static boolean applyOne(Connection c, Migration m, Clock clock) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            s.execute(CREATE_TABLE);
        }
        if (applied(c).contains(m.version())) {
            c.commit();
            return false;
        }
        long start = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute(m.sql());
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.name());
            ps.setObject(3, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            ps.executeUpdate();
        }
        c.commit();
        LOG.info("applied schema migration V{}__{} in {} ms", m.version(), m.name(),
                (System.nanoTime() - start) / 1_000_000);
        return true;
    }

    private static Set<Integer> appliedIfTableExists(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('schema_migrations') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return Set.of();
            }
        }
        return applied(c);
    }

    private static Set<Integer> applied(Connection c) throws SQLException {
        Set<Integer> versions = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM schema_migrations")) {
            while (rs.next()) {
                versions.add(rs.getInt(1));
            }
        }
        return versions;
    }
}
