package dev.docpipe.adapter.postgres;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.JobStoreContract;
import dev.docpipe.standins.PostgresStandIn;
import dev.docpipe.testing.Jobs;
import dev.docpipe.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract against a real PostgreSQL 17, plus what only a SQL store has: migrations, indexes, outages. */
class PostgresJobStoreIT extends JobStoreContract {
    private static final int POOL_SIZE = 40;
    private final List<PostgresJobStore> opened = new ArrayList<>();
    private String jdbcUrl;

    @Override
    protected JobStore newStore(MutableClock clock) {
        jdbcUrl = PostgresStandIn.shared().newDatabase();
        return open(jdbcUrl, POOL_SIZE);
    }

    private PostgresJobStore open(String url, int poolSize) {
        PostgresJobStore s = PostgresJobStore.connect(url, poolSize, clock);
        synchronized (opened) {
            opened.add(s);
        }
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(PostgresJobStore::close);
    }

    private Instant now() {
        return clock.instant();
    }

    // ---- migrations ----

    @Test
    void migrations_onAFreshDatabase_areRecordedOncePerFileAndASecondStartAppliesNothing() throws SQLException {
        List<Row> first = migrationRows(jdbcUrl);
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();

        clock.advance(Duration.ofHours(1));
        PostgresJobStore second = open(jdbcUrl, 2);

        assertThat(first).extracting(Row::version)
                .containsExactlyElementsOf(PostgresMigrations.all().stream().map(PostgresMigrations.Migration::version).toList());
        assertThat(first).extracting(Row::name).containsExactly("jobs", "stage_lease", "erase", "find_by_file");
        assertThat(migrationRows(jdbcUrl)).isEqualTo(first);
        assertThat(second.get(job.id())).contains(job);
    }

    @Test
    void migrations_eightStoresStartingAtOnceOnOneDatabase_allSucceedAndEachFileIsAppliedOnce() throws Exception {
        String url = PostgresStandIn.shared().newDatabase();
        int starters = 8;
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<PostgresJobStore>> starts = new ArrayList<>();
        try {
            for (int i = 0; i < starters; i++) {
                starts.add(pool.submit(() -> {
                    go.await();
                    return open(url, 2);
                }));
            }
            go.countDown();
            List<PostgresJobStore> stores = new ArrayList<>();
            for (Future<PostgresJobStore> start : starts) {
                stores.add(start.get(60, TimeUnit.SECONDS));
            }

            assertThat(migrationRows(url)).hasSize(PostgresMigrations.FILES.size());
            Job job = stores.get(0).createIfAbsent(Jobs.queued("alice", now())).job();
            assertThat(stores.get(starters - 1).get(job.id())).contains(job);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void migrations_appliedByEightProcessesAtOnce_exactlyOneAppliesEachFile() throws Exception {
        String url = PostgresStandIn.shared().newDatabase();
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setURL(url);
        int starters = 8;
        ExecutorService pool = Executors.newFixedThreadPool(starters);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Integer>>> runs = new ArrayList<>();
        try {
            for (int i = 0; i < starters; i++) {
                runs.add(pool.submit(() -> {
                    go.await();
                    return PostgresMigrations.apply(db, clock);
                }));
            }
            go.countDown();
            List<Integer> applied = new ArrayList<>();
            for (Future<List<Integer>> run : runs) {
                applied.addAll(run.get(60, TimeUnit.SECONDS));
            }

            assertThat(applied).containsExactlyInAnyOrderElementsOf(
                    PostgresMigrations.all().stream().map(PostgresMigrations.Migration::version).toList());
            assertThat(PostgresMigrations.apply(db, clock)).isEmpty();
            assertThat(migrationRows(url)).hasSize(PostgresMigrations.FILES.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void migrations_everyFileInTheResourceFolderIsListedAndNamedByVersion() throws IOException {
        Path folder = Path.of("src/main/resources" + PostgresMigrations.FOLDER); // failsafe runs in the module folder
        Set<String> files = new HashSet<>();
        try (Stream<Path> list = Files.list(folder)) {
            list.map(p -> p.getFileName().toString()).forEach(files::add);
        }

        assertThat(files).containsExactlyInAnyOrderElementsOf(PostgresMigrations.FILES);
        assertThat(PostgresMigrations.all()).extracting(PostgresMigrations.Migration::version)
                .doesNotHaveDuplicates().isSorted();
    }

    // ---- schema ----

    @Test
    void roundTrip_nullableFieldsErrorsResultsAndUnicode_comeBackEqual() {
        Instant t = now();
        Job bare = new Job(JobId.newId(t), "zoë", Source.url("https://example.org/ünïcode?q='x'"), null, null,
                Priority.LOW, Map.of(), "v1:bare", JobStatus.QUEUED, Stage.PARSE, 0, 1, t, t, Map.of(), null, null, null);
        Job full = new Job(JobId.newId(t), "zoë", Source.inline("b", "k"), "résumé \"final\".md", Format.MARKDOWN,
                Priority.HIGH, Map.of("pageSize", "Letter", "toc", "true"), "v1:full", JobStatus.FAILED, Stage.STORE,
                100, 3, t, t.plusMillis(1), Map.of("queued", t, "failed", t.plusMillis(1)),
                new JobError(ErrorCode.RENDER_FAILED, "font \u2603 missing"),
                new JobResult("s3://out/x.pdf", 12, 5_000_000_000L), t.plus(Duration.ofDays(30)));

        assertThat(store.createIfAbsent(bare).job()).isEqualTo(bare);
        assertThat(store.createIfAbsent(full).job()).isEqualTo(full);
        assertThat(store.get(bare.id())).contains(bare);
        assertThat(store.get(full.id())).contains(full);
    }

    @Test
    void schema_rejectsAnUnknownStatusWrittenBehindTheStoresBack() throws SQLException {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();

        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 'PAUSED' WHERE id = ?")) {
            ps.setString(1, job.id().value());
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class).hasMessageContaining("jobs_status_check");
        }
    }

    @Test
    void get_aRowWithAnErrorCodeThisBuildDoesNotKnow_readsItAsInternalKeepingTheMessage() throws SQLException {
        Job job = store.createIfAbsent(Jobs.queued("alice", now())).job();
        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.FAILED, now())
                .error(new JobError(ErrorCode.FETCH_FAILED, "gone")).build());
        try (Connection c = DriverManager.getConnection(jdbcUrl);
             PreparedStatement ps = c.prepareStatement("UPDATE jobs SET error_code = 'RETIRED_CODE' WHERE id = ?")) {
            ps.setString(1, job.id().value());
            ps.executeUpdate();
        }

        assertThat(store.get(job.id())).get().extracting(Job::error)
                .isEqualTo(new JobError(ErrorCode.INTERNAL, "gone"));
    }

    @Test
    void queries_areServedByTheirIndexes() throws SQLException {
        Instant t = now();
        JobQuery filtered = new JobQuery(JobStatus.RUNNING, Priority.HIGH, t.minusSeconds(60), t, 20, null);

        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET enable_seqscan = off");
            }
            assertThat(plan(c, PostgresJobStore.listByOwnerSql("alice", JobQuery.all(20), null, t)))
                    .contains("jobs_owner_id_idx");
            assertThat(plan(c, PostgresJobStore.listByOwnerSql("alice", filtered, JobId.newId(t), t)))
                    .contains("jobs_owner_id_idx");
            assertThat(plan(c, PostgresJobStore.findStaleSql(JobStatus.RUNNING, t, 10, t)))
                    .contains("jobs_active_updated_idx");
            assertThat(plan(c, PostgresJobStore.findStaleSql(JobStatus.QUEUED, t, 10, t)))
                    .contains("jobs_active_updated_idx");
            assertThat(plan(c, PostgresJobStore.deleteExpiredSql(100, t))).contains("jobs_expires_at_idx");
        }
    }

    // ---- createIfAbsent against a writer that has not committed yet ----

    @Test
    void createIfAbsent_whileAnotherTransactionHoldsTheKeyUncommitted_waitsAndReturnsThatJobOnceCommitted()
            throws Exception {
        Job held = Jobs.queued("alice", Priority.DEFAULT, "sha256:held", now());
        Job late = Jobs.queued("alice", Priority.DEFAULT, "sha256:held", now());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = DriverManager.getConnection(jdbcUrl)) {
            other.setAutoCommit(false);
            insertRaw(other, held);

            Future<JobStore.CreateResult> call = pool.submit(() -> store.createIfAbsent(late));
            assertThatThrownBy(() -> call.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            other.commit();
            JobStore.CreateResult result = call.get(10, TimeUnit.SECONDS);

            assertThat(result.created()).isFalse();
            assertThat(result.job()).isEqualTo(held);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void createIfAbsent_whileAnotherTransactionHoldsTheKeyUncommitted_createsOnceThatRollsBack() throws Exception {
        Job held = Jobs.queued("alice", Priority.DEFAULT, "sha256:held", now());
        Job late = Jobs.queued("alice", Priority.DEFAULT, "sha256:held", now());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection other = DriverManager.getConnection(jdbcUrl)) {
            other.setAutoCommit(false);
            insertRaw(other, held);

            Future<JobStore.CreateResult> call = pool.submit(() -> store.createIfAbsent(late));
            assertThatThrownBy(() -> call.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            other.rollback();
            JobStore.CreateResult result = call.get(10, TimeUnit.SECONDS);

            assertThat(result.created()).isTrue();
            assertThat(result.job()).isEqualTo(late);
            assertThat(store.get(held.id())).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- createIfAbsent over an expired job ----

    @Test
    void createIfAbsent_32ThreadsRacingToTakeOverAnExpiredJobsKey_exactlyOneWins() throws Exception {
        Job old = store.createIfAbsent(Jobs.queued("racer", Priority.DEFAULT, "sha256:expired-race", now())).job();
        store.transition(old.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, now())
                .expiresAt(now().plusSeconds(1)).build());
        clock.advance(Duration.ofSeconds(5));

        int threads = 32;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<JobStore.CreateResult>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                Job candidate = Jobs.queued("racer", Priority.DEFAULT, "sha256:expired-race", now());
                calls.add(pool.submit(() -> {
                    go.await();
                    return store.createIfAbsent(candidate);
                }));
            }
            go.countDown();
            Set<JobId> ids = new HashSet<>();
            int created = 0;
            for (Future<JobStore.CreateResult> call : calls) {
                JobStore.CreateResult r = call.get(60, TimeUnit.SECONDS);
                ids.add(r.job().id());
                created += r.created() ? 1 : 0;
            }

            assertThat(created).isEqualTo(1);
            assertThat(ids).hasSize(1).doesNotContain(old.id());
            assertThat(rowCount("SELECT count(*) FROM jobs WHERE owner = 'racer'")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- retention ----

    @Test
    void deleteExpired_returnsExactlyTheNumberOfExpiredRowsRemovedAndHonoursTheLimit() throws SQLException {
        for (int i = 0; i < 2; i++) {
            store.createIfAbsent(Jobs.queued("ivan", now()));
        }
        Job expiresLater = store.createIfAbsent(Jobs.queued("ivan", now())).job();
        store.transition(expiresLater.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, now())
                .expiresAt(now().plus(Duration.ofDays(1))).build());
        for (int i = 0; i < 5; i++) {
            Job j = store.createIfAbsent(Jobs.queued("ivan", now())).job();
            store.transition(j.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, now())
                    .expiresAt(now().plusSeconds(60)).build());
        }
        clock.advance(Duration.ofMinutes(5));

        assertThat(store.deleteExpired(2)).isEqualTo(2);
        assertThat(store.deleteExpired(100)).isEqualTo(3);
        assertThat(store.deleteExpired(100)).isZero();
        assertThat(rowCount("SELECT count(*) FROM jobs")).isEqualTo(3);
        assertThat(store.get(expiresLater.id())).isPresent();
    }

    @Test
    void delete_ofAnExpiredJob_removesTheRowButAnswersFalseLikeAnyRead() throws SQLException {
        Job job = store.createIfAbsent(Jobs.queued("ivan", now())).job();
        store.transition(job.id(), JobStatus.QUEUED, 1, JobChange.to(JobStatus.CANCELLED, now())
                .expiresAt(now().plusSeconds(60)).build());
        clock.advance(Duration.ofMinutes(5));

        assertThat(store.delete(job.id())).isFalse();
        assertThat(rowCount("SELECT count(*) FROM jobs")).isZero();
    }

    @Test
    void findStale_ofATerminalStatus_isRefusedAsInDynamoDb() {
        assertThatThrownBy(() -> store.findStale(JobStatus.COMPLETED, now(), 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- outages ----

    @Test
    void connect_toAPortNobodyListensOn_failsWithStoreUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> PostgresJobStore.connect(
                "jdbc:postgresql://127.0.0.1:" + closedPort + "/docpipe?user=postgres", 2, clock))
                .isInstanceOf(DocpipeException.class)
                .extracting(e -> ((DocpipeException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    }

    @Test
    void everyOperation_afterTheDatabaseStops_failsWithStoreUnavailable() {
        PostgresStandIn server = PostgresStandIn.start(null);
        PostgresJobStore onServer;
        Job job;
        try {
            onServer = open(server.jdbcUrl(), 2);
            job = onServer.createIfAbsent(Jobs.queued("alice", now())).job();
        } finally {
            server.close();
        }

        assertThatThrownBy(() -> onServer.get(job.id()))
                .isInstanceOf(DocpipeException.class)
                .extracting(e -> ((DocpipeException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
        assertThatThrownBy(() -> onServer.transition(job.id(), JobStatus.QUEUED, 1,
                JobChange.to(JobStatus.RUNNING, now()).build()))
                .isInstanceOf(DocpipeException.class)
                .extracting(e -> ((DocpipeException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
    }

    // ---- helpers ----

    private record Row(int version, String name, Instant appliedAt) {
    }

    private static List<Row> migrationRows(String url) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")) {
            while (rs.next()) {
                rows.add(new Row(rs.getInt(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant()));
            }
        }
        return rows;
    }

    private static void insertRaw(Connection c, Job job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO jobs (" + JobRows.COLUMNS + ") VALUES (" + JobRows.INSERT_VALUES + ")")) {
            JobRows.bindInsert(ps, job);
            ps.executeUpdate();
        }
    }

    private long rowCount(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String plan(Connection c, PostgresJobStore.Sql sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (PreparedStatement ps = new PostgresJobStore.Sql("EXPLAIN " + sql.text(), sql.params()).prepare(c);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }
}
