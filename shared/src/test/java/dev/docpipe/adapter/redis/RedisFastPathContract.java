package dev.docpipe.adapter.redis;

import dev.docpipe.adapter.json.JobJson;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.port.FastPath.DedupClaim;
import dev.docpipe.port.FastPath.Stats;
import dev.docpipe.testing.Jobs;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisFastPath} against a real Redis: what holds for a standalone redis-server
 * ({@link RedisFastPathIT}) and for a Redis Cluster ({@link RedisFastPathClusterIT}) alike.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisFastPathContract {
    static final Duration TTL = Duration.ofMinutes(5);
    /** Generous, so a busy build machine never turns a correctness test into a fallback. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    RedisFastPath fastPath;
    private AbstractRedisClient rawClient;
    private StatefulConnection<String, String> rawConnection;
    /** A plain lettuce client of the same mode, to look at and tamper with what the fast path wrote. */
    RedisClusterCommands<String, String> raw;

    /** The Redis under test, started (or shared) by the subclass. */
    abstract String uri();

    abstract RedisFastPath.Mode mode();

    @BeforeAll
    void connect() {
        fastPath = connect(TIMEOUT, dev.docpipe.port.Metrics.none(), null);
        if (mode() == RedisFastPath.Mode.CLUSTER) {
            RedisClusterClient client = RedisClusterClient.create(uri());
            StatefulRedisClusterConnection<String, String> c = client.connect();
            rawClient = client;
            rawConnection = c;
            raw = c.sync();
        } else {
            RedisClient client = RedisClient.create(uri());
            StatefulRedisConnection<String, String> c = client.connect();
            rawClient = client;
            rawConnection = c;
            raw = c.sync();
        }
    }

    /**
     * A fast path whose first connect has finished. The constructor waits for it only up to the connect
     * timeout; on a loaded machine a cluster's first connect (it fetches the slot map first) takes longer,
     * and the calls before it fall back to the store by design — not what the tests here are about.
     */
    RedisFastPath connect(Duration timeout, dev.docpipe.port.Metrics metrics, byte[] cacheKey) {
        RedisFastPath path = RedisFastPath.connect(mode(), uri(), timeout, metrics, cacheKey);
        JobId probe = newId();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long misses = path.stats().misses();
        while (path.cachedJob(probe).isEmpty() && path.stats().misses() == misses) {
            if (System.nanoTime() > deadline) {
                path.close();
                throw new AssertionError("the fast path did not connect to " + uri() + " within 20 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                path.close();
                throw new AssertionError("interrupted while waiting for the fast path to connect", e);
            }
        }
        return path;
    }

    @AfterAll
    void close() {
        fastPath.close();
        rawConnection.close();
        rawClient.shutdown();
    }

    @Test
    void claim_ofAFreeKey_isClaimed_andStoresTheCandidateUnderItsNamespacedKey() {
        String key = dedupKey();
        JobId candidate = newId();

        assertThat(fastPath.claimDedup(key, candidate, TTL)).isEqualTo(new DedupClaim.Claimed());

        assertThat(raw.get("docpipe:dedup:" + key)).isEqualTo(candidate.value());
        assertThat(raw.pttl("docpipe:dedup:" + key)).isBetween(1L, TTL.toMillis());
    }

    @Test
    void claim_ofAHeldKey_isExistingWithTheHolder_andCountsAHit() {
        String key = dedupKey();
        JobId first = newId();
        fastPath.claimDedup(key, first, TTL);
        Stats before = fastPath.stats();

        DedupClaim second = fastPath.claimDedup(key, newId(), TTL);

        assertThat(second).isEqualTo(new DedupClaim.Existing(first));
        assertThat(raw.get("docpipe:dedup:" + key)).isEqualTo(first.value());
        Stats after = fastPath.stats();
        assertThat(after.hits()).isEqualTo(before.hits() + 1);
        assertThat(after.fallbacks()).isEqualTo(before.fallbacks());
    }

    @Test
    void remember_pointsTheKeyAtTheStoresDecision() {
        String key = dedupKey();
        JobId claimer = newId();
        JobId owner = newId();
        fastPath.claimDedup(key, claimer, TTL);

        fastPath.rememberDedup(key, owner, TTL);

        assertThat(fastPath.claimDedup(key, newId(), TTL)).isEqualTo(new DedupClaim.Existing(owner));
        assertThat(raw.pttl("docpipe:dedup:" + key)).isBetween(1L, TTL.toMillis());
    }

    @Test
    void forget_freesTheKey_forTheNextClaim() {
        String key = dedupKey();
        fastPath.claimDedup(key, newId(), TTL);

        fastPath.forgetDedup(key);

        assertThat(raw.exists("docpipe:dedup:" + key)).isZero();
        assertThat(fastPath.claimDedup(key, newId(), TTL)).isEqualTo(new DedupClaim.Claimed());
    }

    @Test
    void cache_roundTripsAFullJob() {
        Instant t0 = Instant.parse("2025-03-01T10:15:30.123456Z");
        Job queued = Jobs.queued("owner-1", t0);
        Job failed = queued
                .apply(JobChange.to(JobStatus.RUNNING, t0.plusSeconds(1)).stage(Stage.PARSE).progress(10)
                        .stamp("parse.started", t0.plusSeconds(1)).build())
                .apply(JobChange.to(JobStatus.FAILED, t0.plusSeconds(2))
                        .error(new JobError(ErrorCode.UNSUPPORTED_CONTENT, "not a document: ünïcödé \"quoted\""))
                        .expiresAt(t0.plusSeconds(86_400)).build());
        Job withResult = new Job(failed.id(), failed.owner(), failed.source(), failed.filename(), failed.format(),
                failed.priority(), Map.of("pageSize", "A4", "margin", "2cm"), failed.dedupKey(), failed.status(),
                Stage.STORE, 100, 3, failed.createdAt(), failed.updatedAt(), failed.timestamps(), failed.error(),
                new JobResult("s3://results/" + failed.id() + ".pdf", 4, 12_345L), failed.expiresAt());

        fastPath.cacheJob(withResult, TTL);

        assertThat(fastPath.cachedJob(withResult.id())).contains(withResult);
        assertThat(raw.pttl("docpipe:job:" + withResult.id())).isBetween(1L, TTL.toMillis());
    }

    @Test
    void cachedJob_ofAnUncachedJob_isEmpty_andCountsAMiss() {
        Stats before = fastPath.stats();

        assertThat(fastPath.cachedJob(newId())).isEmpty();

        assertThat(fastPath.stats().misses()).isEqualTo(before.misses() + 1);
        assertThat(fastPath.stats().fallbacks()).isEqualTo(before.fallbacks());
    }

    @Test
    void evict_removesTheCachedJob() {
        Job job = Jobs.queued("owner-1", Instant.now());
        fastPath.cacheJob(job, TTL);

        fastPath.evictJob(job.id());

        assertThat(fastPath.cachedJob(job.id())).isEmpty();
    }

    @Test
    void entries_expireAfterTheirTtl() throws InterruptedException {
        String key = dedupKey();
        Job job = Jobs.queued("owner-1", Instant.now());
        Duration shortTtl = Duration.ofMillis(300);
        assertThat(fastPath.claimDedup(key, newId(), shortTtl)).isEqualTo(new DedupClaim.Claimed());
        fastPath.cacheJob(job, shortTtl);
        assertThat(fastPath.cachedJob(job.id())).isPresent();

        Thread.sleep(shortTtl.toMillis() + 200);

        assertThat(fastPath.cachedJob(job.id())).isEmpty();
        assertThat(fastPath.claimDedup(key, newId(), TTL)).isEqualTo(new DedupClaim.Claimed());
    }

    @Test
    void corruptCachedValues_areMisses_andAreDeleted() {
        Job other = Jobs.queued("owner-2", Instant.now());
        String otherJson = JobJson.write(other);
        // Not JSON, JSON of no job, a job cut short, a job with an unknown status, the JSON of another job.
        List<String> corrupt = List.of("not json", "{}", "{\"id\":\"nope\"}", "[1,2]",
                otherJson.substring(0, otherJson.length() / 2), otherJson.replace("QUEUED", "NO_SUCH_STATUS"),
                otherJson);
        for (String value : corrupt) {
            JobId id = newId();
            raw.set("docpipe:job:" + id, value);
            Stats before = fastPath.stats();

            assertThat(fastPath.cachedJob(id)).as(value).isEmpty();

            assertThat(raw.exists("docpipe:job:" + id)).as(value).isZero();
            assertThat(fastPath.stats().misses()).as(value).isEqualTo(before.misses() + 1);
            assertThat(fastPath.stats().fallbacks()).as(value).isEqualTo(before.fallbacks());
        }
    }

    @Test
    void cachedJob_whoseOwnerOrResultLocationWasRewrittenInRedis_isAMissAndIsDeleted() {
        Instant t0 = Instant.now();
        Job job = Jobs.queued("victim", t0)
                .apply(JobChange.to(JobStatus.RUNNING, t0.plusMillis(1)).stage(Stage.PARSE).build())
                .apply(JobChange.to(JobStatus.COMPLETED, t0.plusMillis(2))
                        .result(new JobResult("s3://docpipe/pdf/x.pdf", 1, 10)).build());
        String key = "docpipe:job:" + job.id();
        List<String> rewrites = List.of("\"owner\":\"victim\"|\"owner\":\"attacker\"",
                "s3://docpipe/pdf/x.pdf|s3://docpipe/uploads/victim/secret.html",
                "\"status\":\"COMPLETED\"|\"status\":\"CANCELLED\"");
        for (String rewrite : rewrites) {
            String[] fromTo = rewrite.split("\\|");
            fastPath.cacheJob(job, TTL);
            String value = raw.get(key);
            assertThat(value).as(rewrite).contains(fromTo[0]);

            raw.set(key, value.replace(fromTo[0], fromTo[1]));

            assertThat(fastPath.cachedJob(job.id())).as(rewrite).isEmpty();
            assertThat(raw.exists(key)).as(rewrite).isZero();
        }
    }

    @Test
    void cachedJob_signedByAnotherProcessesKey_isAMiss_andASharedKeyReadsWhatAnotherProcessCached() {
        byte[] shared = "a-status-cache-key-of-at-least-32-bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Job job = Jobs.queued("owner-1", Instant.now());
        try (RedisFastPath writer = connect(TIMEOUT, dev.docpipe.port.Metrics.none(), shared);
             RedisFastPath reader = connect(TIMEOUT, dev.docpipe.port.Metrics.none(), shared.clone())) {
            writer.cacheJob(job, TTL);
            assertThat(reader.cachedJob(job.id())).contains(job);

            fastPath.cacheJob(job, TTL); // this process's own random key
            assertThat(reader.cachedJob(job.id())).isEmpty();
        }
    }

    @Test
    void cacheJob_neverReplacesANewerStateOfTheSameJob() {
        Instant t0 = Instant.now();
        Job queued = Jobs.queued("owner-1", t0);
        Job running = queued.apply(JobChange.to(JobStatus.RUNNING, t0.plusMillis(5)).stage(Stage.RENDER).build());
        Job completed = running.apply(JobChange.to(JobStatus.COMPLETED, t0.plusMillis(6)).stage(Stage.STORE)
                .result(new JobResult("s3://docpipe/pdf/" + queued.id() + ".pdf", 1, 10)).build());

        fastPath.cacheJob(completed, TTL);
        fastPath.cacheJob(running, TTL); // a reader warming the cache with what it read just before
        fastPath.cacheJob(queued, TTL);
        assertThat(fastPath.cachedJob(queued.id())).contains(completed);

        Job failed = queued.apply(JobChange.to(JobStatus.FAILED, t0.plusMillis(7))
                .error(new JobError(ErrorCode.RENDER_TIMEOUT, "slow")).build());
        Job retried = failed.apply(JobChange.to(JobStatus.QUEUED, t0.plusMillis(8)).build());
        fastPath.cacheJob(retried, TTL);
        assertThat(fastPath.cachedJob(queued.id())).as("a new attempt is newer than any state of the last")
                .contains(retried);
    }

    @Test
    void anUnfinishedJobsEntry_livesAtMostTheUnfinishedTtl_aFinishedOneTheWholeTtl() {
        Instant t0 = Instant.now();
        Job queued = Jobs.queued("owner-1", t0);
        Job running = queued.apply(JobChange.to(JobStatus.RUNNING, t0.plusMillis(5)).stage(Stage.RENDER).build());
        Job completed = running.apply(JobChange.to(JobStatus.COMPLETED, t0.plusMillis(6)).stage(Stage.STORE)
                .result(new JobResult("s3://docpipe/pdf/" + queued.id() + ".pdf", 1, 10)).build());
        String key = "docpipe:job:" + queued.id();

        fastPath.cacheJob(queued, TTL);
        assertThat(raw.pttl(key)).isBetween(1L, RedisFastPath.UNFINISHED_ENTRY_TTL.toMillis());
        fastPath.cacheJob(running, TTL);
        assertThat(raw.pttl(key)).isBetween(1L, RedisFastPath.UNFINISHED_ENTRY_TTL.toMillis());
        fastPath.cacheJob(completed, TTL);
        assertThat(raw.pttl(key)).isGreaterThan(RedisFastPath.UNFINISHED_ENTRY_TTL.toMillis())
                .isLessThanOrEqualTo(TTL.toMillis());
    }

    @Test
    void corruptDedupValue_isUnavailable_andIsDeleted_soTheNextClaimWins() {
        String key = dedupKey();
        raw.set("docpipe:dedup:" + key, "garbage");

        assertThat(fastPath.claimDedup(key, newId(), TTL)).isEqualTo(new DedupClaim.Unavailable());

        assertThat(raw.exists("docpipe:dedup:" + key)).isZero();
        assertThat(fastPath.claimDedup(key, newId(), TTL)).isEqualTo(new DedupClaim.Claimed());
    }

    @Test
    void concurrentClaimsOfOneKey_haveExactlyOneWinner_andEveryOtherSeesIt() throws Exception {
        int threads = 32;
        String key = dedupKey();
        List<JobId> candidates = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            candidates.add(newId());
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<DedupClaim>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (JobId candidate : candidates) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return fastPath.claimDedup(key, candidate, TTL);
                }));
            }
            go.countDown();
            List<DedupClaim> claims = new ArrayList<>();
            for (Future<DedupClaim> answer : answers) {
                claims.add(answer.get());
            }

            List<Integer> winners = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                if (claims.get(i) instanceof DedupClaim.Claimed) {
                    winners.add(i);
                }
            }
            assertThat(winners).hasSize(1);
            JobId winner = candidates.get(winners.getFirst());
            assertThat(claims).filteredOn(c -> !(c instanceof DedupClaim.Claimed))
                    .hasSize(threads - 1)
                    .allSatisfy(c -> assertThat(c).isEqualTo(new DedupClaim.Existing(winner)));
            assertThat(raw.get("docpipe:dedup:" + key)).isEqualTo(winner.value());
        }
    }

    static String dedupKey() {
        return "v1:test-" + UUID.randomUUID() + ":0123456789abcdef";
    }

    static JobId newId() {
        return JobId.newId(Instant.now());
    }
}
