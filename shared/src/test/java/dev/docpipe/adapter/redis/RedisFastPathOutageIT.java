package dev.docpipe.adapter.redis;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.port.FastPath.DedupClaim;
import dev.docpipe.port.FastPath.Stats;
import dev.docpipe.standins.RedisStandIn;
import dev.docpipe.testing.Jobs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis taken away from, and given back to, a running {@link RedisFastPath} with the production
 * timeout. The time bounds only catch hangs (a lettuce default would queue commands for 60 s); they
 * are no performance claim.
 */
class RedisFastPathOutageIT {
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final Duration HANG = Duration.ofSeconds(1);
    private static final Duration BACK_WITHIN = Duration.ofSeconds(10);
    private static final Duration DOWN_FOR = Duration.ofSeconds(4);

    private final RecordingLogger logger = new RecordingLogger();
    private RedisStandIn redis;
    private RedisFastPath fastPath;

    @AfterEach
    void tearDown() {
        if (fastPath != null) {
            fastPath.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void serverStoppedMidRun_callsFallBackAtOnce_andTheFastPathIsUsedAgainAfterRestart() throws Exception {
        redis = RedisStandIn.startNew();
        fastPath = new RedisFastPath(redis.uri(), RedisFastPath.DEFAULT_TIMEOUT, Clock.systemUTC(),
                RedisFastPath.DEFAULT_LOG_INTERVAL, logger);

        // Up: claims and reads hit Redis.
        String key = dedupKey();
        JobId owner = newId();
        Job job = Jobs.queued("owner-1", Instant.now());
        assertThat(fastPath.claimDedup(key, owner, TTL)).isEqualTo(new DedupClaim.Claimed());
        assertThat(fastPath.claimDedup(key, newId(), TTL)).isEqualTo(new DedupClaim.Existing(owner));
        fastPath.cacheJob(job, TTL);
        assertThat(fastPath.cachedJob(job.id())).contains(job);
        Stats up = fastPath.stats();
        assertThat(up.hits()).isEqualTo(2);
        assertThat(up.fallbacks()).isZero();

        // Down: every call answers at once, without Redis, and counts a fallback.
        redis.stop();
        List<Long> nanos = new ArrayList<>();
        int rounds = 0;
        long downSince = System.nanoTime();
        // Down for a few seconds, so lettuce's reconnect backoff grows to its cap before the restart.
        while (System.nanoTime() - downSince < DOWN_FOR.toNanos()) {
            rounds++;
            Thread.sleep(10);
            assertThat(timed(nanos, () -> fastPath.claimDedup(key, newId(), TTL)))
                    .isEqualTo(new DedupClaim.Unavailable());
            assertThat(timed(nanos, () -> fastPath.cachedJob(job.id()))).isEmpty();
            timed(nanos, () -> {
                fastPath.rememberDedup(key, owner, TTL);
                return null;
            });
            timed(nanos, () -> {
                fastPath.cacheJob(job, TTL);
                return null;
            });
            timed(nanos, () -> {
                fastPath.evictJob(job.id());
                return null;
            });
            timed(nanos, () -> {
                fastPath.forgetDedup(key);
                return null;
            });
        }
        Stats down = fastPath.stats();
        assertThat(down.fallbacks()).isEqualTo(6L * rounds);
        assertThat(down.hits()).isEqualTo(up.hits());
        assertThat(nanos).allSatisfy(n -> assertThat(Duration.ofNanos(n)).isLessThan(HANG));
        report("while stopped", nanos);
        assertThat(logger.at(Level.WARN)).as("one WARN per interval, not one per call").hasSize(1);

        // Back: within a few seconds the fast path is used again.
        redis.start();
        long restarted = System.nanoTime();
        DedupClaim claim = awaitRedis(() -> fastPath.claimDedup(key, newId(), TTL));
        long backMs = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
        System.out.printf("[measure] fast path used again %d ms after redis-server start() returned%n", backMs);
        assertThat(claim).isInstanceOfAny(DedupClaim.Claimed.class, DedupClaim.Existing.class);
        assertThat(fastPath.claimDedup(key, newId(), TTL)).isInstanceOf(DedupClaim.Existing.class);
        assertThat(fastPath.stats().hits()).isGreaterThan(down.hits());
        assertThat(logger.at(Level.INFO)).anySatisfy(line -> assertThat(line).contains("usable again"));
        assertThat(logger.at(Level.WARN)).hasSize(1);
    }

    @Test
    void noServerAtConstruction_doesNotThrow_degrades_andWorksOnceAServerAppearsOnThePort() throws Exception {
        redis = RedisStandIn.startNew();
        redis.stop(); // keep its port, with nobody listening on it

        long constructing = System.nanoTime();
        fastPath = new RedisFastPath(redis.uri(), RedisFastPath.DEFAULT_TIMEOUT, Clock.systemUTC(),
                RedisFastPath.DEFAULT_LOG_INTERVAL, logger);
        System.out.printf("[measure] construction with no server took %d ms%n",
                Duration.ofNanos(System.nanoTime() - constructing).toMillis());

        List<Long> nanos = new ArrayList<>();
        String key = dedupKey();
        for (int i = 0; i < 50; i++) {
            assertThat(timed(nanos, () -> fastPath.claimDedup(key, newId(), TTL)))
                    .isEqualTo(new DedupClaim.Unavailable());
            assertThat(timed(nanos, () -> fastPath.cachedJob(newId()))).isEmpty();
        }
        assertThat(nanos).allSatisfy(n -> assertThat(Duration.ofNanos(n)).isLessThan(HANG));
        report("before any server", nanos);
        assertThat(fastPath.stats().fallbacks()).isEqualTo(100);
        assertThat(logger.at(Level.WARN)).singleElement().asString().contains("not connected yet");

        redis.start();
        long started = System.nanoTime();
        DedupClaim claim = awaitRedis(() -> fastPath.claimDedup(key, newId(), TTL));
        System.out.printf("[measure] first connect %d ms after redis-server start() returned%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(claim).isEqualTo(new DedupClaim.Claimed());
        assertThat(fastPath.claimDedup(key, newId(), TTL)).isInstanceOf(DedupClaim.Existing.class);
        assertThat(fastPath.stats().hits()).isEqualTo(1);
        assertThat(logger.at(Level.INFO)).anySatisfy(line -> assertThat(line).contains("usable again"));
    }

    @Test
    void slowServer_callsGiveUpAfterTheCommandTimeout_andLaterAnswersAreNotMixedUp() throws Exception {
        redis = RedisStandIn.startNew();
        fastPath = new RedisFastPath(redis.uri(), RedisFastPath.DEFAULT_TIMEOUT, Clock.systemUTC(),
                RedisFastPath.DEFAULT_LOG_INTERVAL, logger);
        Job job = Jobs.queued("owner-1", Instant.now());
        fastPath.cacheJob(job, TTL);
        RedisClient rawClient = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> raw = rawClient.connect()) {
            // The server stops answering for 1.5 s: connected but silent, the case only a timeout catches.
            RedisFuture<String> sleeping = raw.async().dispatch(CommandType.DEBUG,
                    new StatusOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add("1.5"));
            Thread.sleep(100);

            List<Long> nanos = new ArrayList<>();
            String key = dedupKey();
            for (int i = 0; i < 5; i++) {
                assertThat(timed(nanos, () -> fastPath.claimDedup(key, newId(), TTL)))
                        .isEqualTo(new DedupClaim.Unavailable());
                assertThat(timed(nanos, () -> fastPath.cachedJob(job.id()))).isEmpty();
            }
            report("while the server sleeps", nanos);
            assertThat(nanos).allSatisfy(n -> assertThat(Duration.ofNanos(n)).isLessThan(HANG));
            assertThat(fastPath.stats().fallbacks()).isEqualTo(10);
            assertThat(logger.at(Level.WARN)).singleElement().asString().contains("timed out");

            sleeping.get(5, TimeUnit.SECONDS);
        } finally {
            rawClient.shutdown();
        }
        // Late replies to the timed-out commands must not be taken as answers to new ones.
        String key = dedupKey();
        JobId owner = newId();
        assertThat(awaitRedis(() -> fastPath.claimDedup(key, owner, TTL))).isEqualTo(new DedupClaim.Claimed());
        assertThat(fastPath.claimDedup(key, newId(), TTL)).isEqualTo(new DedupClaim.Existing(owner));
        assertThat(fastPath.cachedJob(job.id())).contains(job);
        assertThat(fastPath.cachedJob(newId())).isEmpty();
        assertThat(logger.at(Level.INFO)).anySatisfy(line -> assertThat(line).contains("usable again"));
    }

    @Test
    void closedFastPath_fallsBack_withoutThrowing() {
        redis = RedisStandIn.startNew();
        fastPath = RedisFastPath.connect(redis.uri());
        fastPath.close();

        assertThat(fastPath.claimDedup(dedupKey(), newId(), TTL)).isEqualTo(new DedupClaim.Unavailable());
        assertThat(fastPath.cachedJob(newId())).isEqualTo(Optional.empty());
        fastPath.evictJob(newId());
        assertThat(fastPath.stats().fallbacks()).isEqualTo(3);
        fastPath.close(); // twice is fine
        fastPath = null;
    }

    /** Polls until a claim is answered by Redis (not Unavailable), for at most {@link #BACK_WITHIN}. */
    private static DedupClaim awaitRedis(Supplier<DedupClaim> claim) throws InterruptedException {
        long deadline = System.nanoTime() + BACK_WITHIN.toNanos();
        DedupClaim answer = claim.get();
        while (answer instanceof DedupClaim.Unavailable && System.nanoTime() < deadline) {
            Thread.sleep(20);
            answer = claim.get();
        }
        return answer;
    }

    private static <T> T timed(List<Long> nanos, Supplier<T> call) {
        long start = System.nanoTime();
        T answer = call.get();
        nanos.add(System.nanoTime() - start);
        return answer;
    }

    private static void report(String phase, List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        System.out.printf("[measure] %s: %d calls, median %.3f ms, p99 %.3f ms, max %.3f ms, first %.3f ms%n",
                phase, sorted.size(), sorted.get(sorted.size() / 2) / 1e6,
                sorted.get((int) (sorted.size() * 0.99)) / 1e6, sorted.getLast() / 1e6, nanos.getFirst() / 1e6);
    }

    private static String dedupKey() {
        return "v1:outage-" + UUID.randomUUID() + ":0123456789abcdef";
    }

    private static JobId newId() {
        return JobId.newId(Instant.now());
    }
}
