package dev.docpipe.pipeline;

import dev.docpipe.adapter.dynamodb.DynamoDbJobStore;
import dev.docpipe.adapter.dynamodb.DynamoDbTables;
import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.adapter.metrics.PrometheusMetrics;
import dev.docpipe.adapter.postgres.PostgresJobStore;
import dev.docpipe.adapter.redis.RedisFastPath;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Metric;
import dev.docpipe.standins.PostgresStandIn;
import dev.docpipe.standins.RedisStandIn;
import dev.docpipe.testing.DynamoDb;
import dev.docpipe.testing.InMemoryBlobs;
import dev.docpipe.testing.MutableClock;
import dev.docpipe.testing.RecordingQueues;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pre-signed upload whose job has finished is found again by the sweeper's scan (after a restart the
 * Redis dedup claim is gone): on each real store, with and without the real Redis fast path, the
 * re-registration finds the job, creates nothing, sends nothing and leaves no older state in the cache.
 */
class UploadReRegistrationIT {
    private static RedisClient redisClient;
    private static StatefulRedisConnection<String, String> redis;
    private static int tables;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void connectRedis() {
        redisClient = RedisClient.create(RedisStandIn.shared().uri());
        redis = redisClient.connect();
    }

    @AfterAll
    static void closeRedis() {
        redis.close();
        redisClient.shutdown();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    @ParameterizedTest(name = "{0}, redis {1}")
    @CsvSource({"dynamodb, true", "dynamodb, false", "postgres, true", "postgres, false"})
    void sweeperFindingACompletedPresignedUploadAgain_createsNothingSendsNothingAndKeepsTheCacheCurrent(
            String storeName, boolean withRedis) {
        JobStore store = store(storeName);
        FastPath fastPath = withRedis ? redisFastPath() : new NoFastPath();
        PrometheusMetrics metrics = new PrometheusMetrics();
        RecordingQueues queues = new RecordingQueues();
        InMemoryBlobs blobs = new InMemoryBlobs();
        JobTransitions transitions = new JobTransitions(store, fastPath, Duration.ofHours(1), metrics);
        UploadIntake uploads = new UploadIntake(blobs, new Intake(
                new JobRegistry(store, fastPath, clock, Duration.ofDays(1), Duration.ofHours(1), metrics),
                transitions, queues, clock, 1_000_000, Duration.ofDays(30)), "docpipe");

        // POST /uploads handed out the id; the PUT arrived a minute later
        JobId id = JobId.newId(clock.instant());
        String owner = "owner-" + UUID.randomUUID();
        BlobRef key = new BlobRef("docpipe", "uploads/default/" + owner + "/" + id.value() + "/report.md");
        clock.advance(Duration.ofMinutes(1));
        blobs.putAt(key, "# report".getBytes(), Map.of(), clock.instant());
        Blobs.BlobInfo upload = blobs.head(key).orElseThrow();
        assertThat(uploads.register(upload, "event").outcome()).isEqualTo(JobRegistry.Outcome.CREATED);
        Job queued = store.get(id).orElseThrow();
        Job running = transitions.apply(queued, JobChange.to(JobStatus.RUNNING, clock.instant()).stage(Stage.PARSE).build());
        Job completed = transitions.apply(running, JobChange.to(JobStatus.COMPLETED, clock.instant())
                .result(new JobResult("s3://docpipe/pdf/" + id.value() + ".pdf", 1, 100))
                .expiresAt(clock.instant().plus(Duration.ofDays(30))).build());
        queues.clear();

        // a restart: Redis starts empty (or its dedup claim has expired), then the sweeper scans the uploads
        redis.sync().del("docpipe:dedup:" + queued.dedupKey(), "docpipe:job:" + id.value());
        clock.advance(Duration.ofMinutes(10));
        String next = uploads.scan(null, 100, clock.instant());

        assertThat(next).isNull();
        assertThat(queues.sent()).as("messages sent by the re-registration").isEmpty();
        assertThat(metrics.counterValue(Metric.JOBS_CREATED)).as("jobs_created_total").isEqualTo(1);
        assertThat(store.get(id)).contains(completed);
        assertThat(fastPath.cachedJob(id)).as("the status cache never holds a state older than the store's")
                .satisfiesAnyOf(c -> assertThat(c).isEmpty(), c -> assertThat(c).contains(completed));
        assertThat(uploads.register(upload, "sweeper", false).outcome()).isEqualTo(JobRegistry.Outcome.DEDUPLICATED);
        assertThat(queues.sent()).isEmpty();
    }

    private JobStore store(String name) {
        if (name.equals("dynamodb")) {
            String table;
            synchronized (UploadReRegistrationIT.class) {
                table = "docpipe-reregistration-" + (++tables) + "-" + UUID.randomUUID();
            }
            DynamoDbTables.createJobsTable(DynamoDb.client(), table);
            return new DynamoDbJobStore(DynamoDb.client(), table, clock);
        }
        PostgresJobStore postgres = PostgresJobStore.connect(PostgresStandIn.shared().newDatabase(), 2, clock);
        opened.add(postgres);
        return postgres;
    }

    private FastPath redisFastPath() {
        RedisFastPath fastPath = RedisFastPath.connect(RedisStandIn.shared().uri(), Duration.ofSeconds(2));
        opened.add(fastPath);
        return fastPath;
    }
}
