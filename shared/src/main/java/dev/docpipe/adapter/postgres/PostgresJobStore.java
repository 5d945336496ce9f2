package dev.docpipe.adapter.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.docpipe.adapter.Cursors;
import dev.docpipe.adapter.json.JobJson;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.IllegalTransitionException;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Page;
import dev.docpipe.port.StageLease;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link JobStore} on PostgreSQL: one row per job in {@code jobs}. Dedup is the unique
 * {@code dedup_key} with {@code INSERT … ON CONFLICT DO NOTHING RETURNING}; every transition is one
 * conditional {@code UPDATE … WHERE status = ? AND attempt = ? RETURNING}. "Now" (for expiry) always comes
 * from the injected clock, never from the database.
 *
 * <p>Pending schema migrations ({@code db/postgres/V*.sql}) are applied when a store is built. Every
 * {@link SQLException} leaves as a {@link DocpipeException}: {@link ErrorCode#STORE_UNAVAILABLE} when the
 * database cannot be reached (or another transient condition), {@link ErrorCode#INTERNAL} otherwise.
 *
 * <p>Statements run in auto-commit except the take-over of an expired job's dedup key, a short
 * transaction that expects PostgreSQL's default READ COMMITTED (the pool built by {@link #connect} sets it).
 */
public final class PostgresJobStore implements JobStore, AutoCloseable {
    static final String POOL_NAME = "docpipe-jobs";
    private static final long CONNECTION_TIMEOUT_MS = 5_000;
    /** Rounds of insert-or-read in createIfAbsent before giving up (each extra round needs a concurrent delete). */
    private static final int CREATE_ROUNDS = 5;
    private static final String LIVE = "(expires_at IS NULL OR expires_at > ?)";

    private final DataSource dataSource;
    private final Clock clock;
    private final HikariDataSource ownedPool;

    /**
     * A store on {@code dataSource} (which it does not close), after applying pending migrations.
     *
     * @throws DocpipeException {@link ErrorCode#STORE_UNAVAILABLE} when the database cannot be reached
     */
    public PostgresJobStore(DataSource dataSource, Clock clock) {
        this(dataSource, clock, null);
    }

    private PostgresJobStore(DataSource dataSource, Clock clock, HikariDataSource ownedPool) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ownedPool = ownedPool;
        try {
            PostgresMigrations.apply(dataSource, clock);
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    /**
     * A store with a pool of its own ({@code docpipe-jobs}, at most {@code maxPoolSize} connections, 5 s to
     * get one), closed by {@link #close()}.
     *
     * @param jdbcUrl e.g. {@code jdbc:postgresql://host:5432/docpipe?user=docpipe&password=…}
     * @throws DocpipeException {@link ErrorCode#STORE_UNAVAILABLE} when the database cannot be reached
     */
    public static PostgresJobStore connect(String jdbcUrl, int maxPoolSize, Clock clock) {
        HikariConfig config = poolConfig(maxPoolSize);
        config.setJdbcUrl(jdbcUrl);
        // pgjdbc's own TCP connect timeout (seconds); a value in the URL wins.
        config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECTION_TIMEOUT_MS / 1000));
        return connect(config, clock);
    }

    /**
     * Like {@link #connect(String, int, Clock)} with the URL of {@code url}: every new connection of the
     * pool takes the URL it holds, and one that PostgreSQL refuses for its credentials reads it again
     * ({@link RefreshingUrlDataSource}), so a rotated password reaches the pool without a restart.
     */
    public static PostgresJobStore connect(RefreshingUrlDataSource.UrlSource url, int maxPoolSize, Clock clock) {
        HikariConfig config = poolConfig(maxPoolSize);
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("connectTimeout", String.valueOf(CONNECTION_TIMEOUT_MS / 1000));
        config.setDataSource(new RefreshingUrlDataSource(url, properties));
        return connect(config, clock);
    }

    private static HikariConfig poolConfig(int maxPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setMaximumPoolSize(maxPoolSize);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return config;
    }

    private static PostgresJobStore connect(HikariConfig config, Clock clock) {
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw PostgresErrors.translate(sql);
            }
            throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "job store unavailable", null, e);
        }
        try {
            return new PostgresJobStore(pool, clock, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Closes the pool that {@link #connect} built; a store given a DataSource leaves it open. */
    @Override
    public void close() {
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    @Override
    public CreateResult createIfAbsent(Job job) {
        Instant now = now();
        boolean takeOverExpired = false;
        try (Connection c = connection()) {
            for (int round = 0; round < CREATE_ROUNDS; round++) {
                Optional<Job> created = takeOverExpired ? replaceExpired(c, job, now) : insert(c, job);
                if (created.isPresent()) {
                    return new CreateResult(created.get(), true);
                }
                // Someone holds the key. Under READ COMMITTED the insert above waited for that writer to
                // commit, so this new statement sees its row (unless it was deleted since: go round again).
                Optional<Job> existing = selectOne(c, new Sql("SELECT " + JobRows.COLUMNS
                        + " FROM jobs WHERE dedup_key = ?", List.of(job.dedupKey())));
                if (existing.isPresent() && !existing.get().isExpired(now)) {
                    return new CreateResult(existing.get(), false);
                }
                takeOverExpired = existing.isPresent();
            }
        } catch (SQLException e) {
            if (PostgresErrors.isState(e, PostgresErrors.UNIQUE_VIOLATION)) {
                throw new DocpipeException(ErrorCode.CONFLICT, "job id " + job.id() + " belongs to another job",
                        null, e);
            }
            throw PostgresErrors.translate(e);
        }
        throw new DocpipeException(ErrorCode.STORE_UNAVAILABLE,
                "dedup key kept changing hands; try again", null, null);
    }

    private static Optional<Job> insert(Connection c, Job job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (" + JobRows.COLUMNS + ") VALUES ("
                + JobRows.INSERT_VALUES + ") ON CONFLICT (dedup_key) DO NOTHING RETURNING " + JobRows.COLUMNS)) {
            JobRows.bindInsert(ps, job);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(JobRows.read(rs)) : Optional.empty();
            }
        }
    }

    /** In one transaction: drop the expired holder of the job's dedup key, then insert the job. */
    private static Optional<Job> replaceExpired(Connection c, Job job, Instant now) throws SQLException {
        c.setAutoCommit(false);
        try {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM jobs WHERE dedup_key = ? AND expires_at <= ?")) {
                ps.setString(1, job.dedupKey());
                ps.setObject(2, JobRows.timestamp(now));
                ps.executeUpdate();
            }
            Optional<Job> created = insert(c, job);
            c.commit();
            c.setAutoCommit(true);
            return created;
        } catch (SQLException e) {
            PostgresErrors.rollbackQuietly(c, e);
            if (PostgresErrors.isState(e, PostgresErrors.SERIALIZATION_FAILURE)
                    || PostgresErrors.isState(e, PostgresErrors.DEADLOCK_DETECTED)) {
                c.setAutoCommit(true);
                return Optional.empty(); // under an isolation stricter than READ COMMITTED: read again
            }
            throw e;
        }
    }

    @Override
    public Optional<Job> get(JobId id) {
        try (Connection c = connection()) {
            return selectOne(c, new Sql("SELECT " + JobRows.COLUMNS + " FROM jobs WHERE id = ? AND " + LIVE,
                    List.of(id.value(), now())));
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    @Override
    public Job transition(JobId id, JobStatus expectedStatus, int expectedAttempt, JobChange change) {
        if (!expectedStatus.canMoveTo(change.status())) {
            throw new IllegalTransitionException(id, expectedStatus, change.status());
        }
        Instant now = now();
        try (Connection c = connection()) {
            Optional<Job> updated = selectOne(c, transitionSql(id, expectedStatus, expectedAttempt, change, now));
            if (updated.isPresent()) {
                return updated.get();
            }
            boolean live = selectOne(c, new Sql("SELECT " + JobRows.COLUMNS + " FROM jobs WHERE id = ? AND " + LIVE,
                    List.of(id.value(), now))).isPresent();
            throw live ? new StaleTransitionException(id, expectedStatus, expectedAttempt) : new JobNotFoundException(id);
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    /** The conditional update: the same result as {@code current.apply(change)}, or no row. */
    static Sql transitionSql(JobId id, JobStatus expectedStatus, int expectedAttempt, JobChange change, Instant now) {
        boolean newAttempt = expectedStatus.startsNewAttempt(change.status());
        StringBuilder sql = new StringBuilder("UPDATE jobs SET status = ?, updated_at = ?");
        List<Object> params = new ArrayList<>(List.of(change.status().name(), change.at()));
        if (change.format() != null) {
            sql.append(", format = ?");
            params.add(change.format().name());
        }
        if (newAttempt) {
            sql.append(", attempt = attempt + 1, stage = ?, stage_rank = ?, progress = 0, timestamps = ?::jsonb,"
                    + " error_code = NULL, error_message = NULL, result_location = NULL, result_pages = NULL,"
                    + " result_bytes = NULL, expires_at = NULL");
            params.addAll(List.of(Stage.PARSE.name(), Stage.PARSE.rank(), JobJson.writeInstants(change.timestamps())));
        } else {
            if (change.stage() != null) {
                sql.append(", stage = ?, stage_rank = ?");
                params.addAll(List.of(change.stage().name(), change.stage().rank()));
            }
            if (change.progress() != null) {
                sql.append(", progress = ?");
                params.add(change.progress());
            }
            if (!change.timestamps().isEmpty()) {
                sql.append(", timestamps = timestamps || ?::jsonb");
                params.add(JobJson.writeInstants(change.timestamps()));
            }
            if (change.clearError()) {
                sql.append(", error_code = NULL, error_message = NULL");
            } else if (change.error() != null) {
                sql.append(", error_code = ?, error_message = ?");
                params.addAll(List.of(change.error().code().name(), change.error().message()));
            }
            if (change.result() != null) {
                sql.append(", result_location = ?, result_pages = ?, result_bytes = ?");
                params.addAll(List.of(change.result().pdfLocation(), change.result().pages(), change.result().bytes()));
            }
            if (change.expiresAt() != null) {
                sql.append(", expires_at = ?");
                params.add(change.expiresAt());
            }
        }
        sql.append(" WHERE id = ? AND status = ? AND attempt = ? AND ").append(LIVE);
        params.addAll(List.of(id.value(), expectedStatus.name(), expectedAttempt, now));
        if (!newAttempt && change.stage() != null) {
            // a running job advancing names a stage it is not in yet, so each advance happens once
            boolean strict = JobStatus.advancesStrictly(expectedStatus, change.status());
            sql.append(strict ? " AND stage_rank < ?" : " AND stage_rank <= ?");
            params.add(change.stage().rank());
        }
        sql.append(" RETURNING ").append(JobRows.COLUMNS);
        return new Sql(sql.toString(), params);
    }

    @Override
    public Page<Job> listByOwner(String owner, JobQuery query) {
        JobId after = Cursors.decode(query.cursor());
        Sql sql = listByOwnerSql(owner, query, after, now());
        try (Connection c = connection()) {
            List<Job> rows = selectAll(c, sql);
            if (rows.size() <= query.limit()) {
                return new Page<>(rows, null);
            }
            List<Job> page = rows.subList(0, query.limit());
            return new Page<>(page, Cursors.after(page.get(page.size() - 1).id()));
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    /** One page plus one row (to know whether there is a next page), newest first. */
    static Sql listByOwnerSql(String owner, JobQuery query, JobId after, Instant now) {
        StringBuilder sql = new StringBuilder("SELECT " + JobRows.COLUMNS + " FROM jobs WHERE owner = ? AND " + LIVE);
        List<Object> params = new ArrayList<>(List.of(owner, now));
        if (after != null) {
            sql.append(" AND id < ?");
            params.add(after.value());
        }
        if (query.status() != null) {
            sql.append(" AND status = ?");
            params.add(query.status().name());
        }
        if (query.priority() != null) {
            sql.append(" AND priority = ?");
            params.add(query.priority().name());
        }
        if (query.filename() != null) {
            sql.append(" AND filename = ?");
            params.add(query.filename());
        }
        if (query.source() != null) {
            // a literal (an enum name, never user text): the planner can match the partial upload index
            sql.append(" AND source_kind = '").append(query.source().name()).append("'");
        }
        if (query.sourceLocation() != null) {
            sql.append(" AND source_location = ?");
            params.add(query.sourceLocation());
        }
        if (query.since() != null) {
            sql.append(" AND id >= ?");
            params.add(JobId.lowerBound(query.since()));
        }
        if (query.until() != null) {
            sql.append(" AND id < ?");
            params.add(JobId.lowerBound(query.until()));
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(query.limit() + 1);
        return new Sql(sql.toString(), params);
    }

    /** @throws IllegalArgumentException for a terminal status: only active jobs are indexed (as in DynamoDB) */
    @Override
    public List<Job> findStale(JobStatus activeStatus, Instant notUpdatedSince, int limit) {
        if (!activeStatus.isActive()) {
            throw new IllegalArgumentException("only active statuses are indexed: " + activeStatus);
        }
        if (limit <= 0) {
            return List.of();
        }
        try (Connection c = connection()) {
            return selectAll(c, findStaleSql(activeStatus, notUpdatedSince, limit, now()));
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    /**
     * The status is written into the statement as a literal (an enum name, never user text) so the planner
     * can always match the partial index on active statuses, even for a generic prepared plan.
     */
    static Sql findStaleSql(JobStatus activeStatus, Instant notUpdatedSince, int limit, Instant now) {
        return new Sql("SELECT " + JobRows.COLUMNS + " FROM jobs WHERE status = '" + activeStatus.name()
                + "' AND updated_at < ? AND " + LIVE + " ORDER BY updated_at, id LIMIT ?",
                List.of(notUpdatedSince, now, limit));
    }

    @Override
    public Map<JobStatus, Long> countByStatus(String owner) {
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) {
            counts.put(s, 0L);
        }
        Sql sql = new Sql("SELECT status, count(*) FROM jobs WHERE owner = ? AND " + LIVE + " GROUP BY status",
                List.of(owner, now()));
        try (Connection c = connection(); PreparedStatement ps = sql.prepare(c);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    @Override
    public boolean claimStage(JobId id, StageLease lease, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        List<Object> params = new ArrayList<>(List.of(lease.key(), lease.holder(), lease.takenAt(), lease.until(),
                id.value(), at, lease.attempt(), lease.stage().name(), lease.key(), at, lease.holder()));
        String orphaned = "";
        if (lease.orphanedBefore() != null) {
            orphaned = " OR lease_taken < ?";
            params.add(lease.orphanedBefore());
        }
        try (Connection c = connection()) {
            int claimed;
            try (PreparedStatement ps = new Sql("UPDATE jobs SET lease_key = ?, lease_holder = ?, lease_taken = ?,"
                    + " lease_until = ? WHERE id = ? AND " + LIVE + " AND status IN ('QUEUED', 'RUNNING')"
                    + " AND attempt = ? AND stage = ? AND (lease_key IS NULL OR lease_key <> ?"
                    + " OR lease_until <= ? OR lease_holder = ?" + orphaned + ")", params).prepare(c)) {
                claimed = ps.executeUpdate();
            }
            if (claimed == 1) {
                return true;
            }
            if (selectOne(c, new Sql("SELECT " + JobRows.COLUMNS + " FROM jobs WHERE id = ? AND " + LIVE,
                    List.of(id.value(), at))).isEmpty()) {
                throw new JobNotFoundException(id);
            }
            return false;
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    @Override
    public void releaseStage(JobId id, String holder) {
        update(new Sql("UPDATE jobs SET lease_key = NULL, lease_holder = NULL, lease_taken = NULL, lease_until = NULL"
                + " WHERE id = ? AND lease_holder = ?", List.of(id.value(), holder)));
    }

    /**
     * One {@code UPDATE} turns the live row into its tombstone ({@link Job#tombstone}: the same fields,
     * column by column), clears its stage lease and frees its dedup key; an erased row is returned as it is.
     */
    @Override
    public Job erase(JobId id, Instant at, Instant keepUntil) {
        Instant now = now();
        try (Connection c = connection()) {
            Optional<Job> erased = selectOne(c, new Sql("UPDATE jobs SET source_location = '', filename = NULL,"
                    + " format = NULL, options = '{}', dedup_key = ?, status = 'ERASED', progress = 0, updated_at = ?,"
                    + " expires_at = ?, timestamps = ?::jsonb, error_code = NULL, error_message = NULL,"
                    + " result_location = NULL, result_pages = NULL, result_bytes = NULL, lease_key = NULL,"
                    + " lease_holder = NULL, lease_taken = NULL, lease_until = NULL"
                    + " WHERE id = ? AND status <> 'ERASED' AND " + LIVE + " RETURNING " + JobRows.COLUMNS,
                    List.of(Job.erasedDedupKey(id), at, keepUntil, JobJson.writeInstants(Map.of("erased", at)),
                            id.value(), now)));
            if (erased.isPresent()) {
                return erased.get();
            }
            return selectOne(c, new Sql("SELECT " + JobRows.COLUMNS + " FROM jobs WHERE id = ? AND " + LIVE,
                    List.of(id.value(), now))).orElseThrow(() -> new JobNotFoundException(id));
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    /** Removes the row, expired or not; answers true only for a live job (an expired one is already gone for users). */
    @Override
    public boolean delete(JobId id) {
        try (Connection c = connection(); PreparedStatement ps = new Sql("DELETE FROM jobs WHERE id = ? RETURNING "
                + LIVE, List.of(id.value(), now())).prepare(c); ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    @Override
    public int deleteExpired(int limit) {
        if (limit <= 0) {
            return 0;
        }
        return update(deleteExpiredSql(limit, now()));
    }

    /** Oldest expiry first; rows another sweeper is deleting right now are skipped, not waited for. */
    static Sql deleteExpiredSql(int limit, Instant now) {
        return new Sql("DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE expires_at <= ?"
                + " ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)", List.of(now, limit));
    }

    private int update(Sql sql) {
        try (Connection c = connection(); PreparedStatement ps = sql.prepare(c)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw PostgresErrors.translate(e);
        }
    }

    /** A connection in auto-commit, whatever the DataSource's default: single statements commit themselves. */
    private Connection connection() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return c;
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    private static Optional<Job> selectOne(Connection c, Sql sql) throws SQLException {
        try (PreparedStatement ps = sql.prepare(c); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(JobRows.read(rs)) : Optional.empty();
        }
    }

    private static List<Job> selectAll(Connection c, Sql sql) throws SQLException {
        List<Job> out = new ArrayList<>();
        try (PreparedStatement ps = sql.prepare(c); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(JobRows.read(rs));
            }
        }
        return out;
    }

    /** The clock's now, to the microsecond that timestamptz keeps. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A statement and its parameters (String, Integer, Long or Instant), in order. */
    record Sql(String text, List<Object> params) {
        PreparedStatement prepare(Connection c) throws SQLException {
            PreparedStatement ps = c.prepareStatement(text);
            try {
                for (int i = 0; i < params.size(); i++) {
                    Object p = params.get(i);
                    ps.setObject(i + 1, p instanceof Instant t ? JobRows.timestamp(t) : p);
                }
                return ps;
            } catch (SQLException e) {
                ps.close();
                throw e;
            }
        }
    }
}
