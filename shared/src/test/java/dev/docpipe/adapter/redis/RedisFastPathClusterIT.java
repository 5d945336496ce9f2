package dev.docpipe.adapter.redis;

import dev.docpipe.job.Job;
import dev.docpipe.port.FastPath.Stats;
import dev.docpipe.port.Metrics;
import dev.docpipe.standins.RedisClusterStandIn;
import dev.docpipe.testing.Jobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisFastPath} in {@link RedisFastPath.Mode#CLUSTER} against a real Redis Cluster of three masters
 * (no replicas), as ElastiCache Serverless is a cluster: every case of the standalone suite, keys spread over
 * every master, and a master that goes away mid-run and comes back.
 */
class RedisFastPathClusterIT extends RedisFastPathContract {
    private static final int MASTERS = 3;
    private final RedisClusterStandIn cluster = RedisClusterStandIn.start(MASTERS);

    @Override
    String uri() {
        return cluster.uri();
    }

    @Override
    RedisFastPath.Mode mode() {
        return RedisFastPath.Mode.CLUSTER;
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
    }

    @Test
    void jobsCachedThroughOneNode_landOnEveryMaster_andReadBack() {
        Stats before = fastPath.stats();
        Set<Integer> nodes = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            Job job = Jobs.queued("owner-" + i, Instant.now());
            fastPath.cacheJob(job, TTL);
            assertThat(fastPath.cachedJob(job.id())).contains(job);
            String key = RedisFastPath.JOB_PREFIX + job.id().value();
            assertThat(raw.exists(key)).isOne();
            nodes.add(cluster.nodeOf(cluster.keySlot(key)));
        }
        assertThat(nodes).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(fastPath.stats().fallbacks()).isEqualTo(before.fallbacks());
    }

    /** Writes and reads {@code job} through {@code path} until it reads back (at most 20 s): what it read last. */
    private static Optional<Job> awaitServed(RedisFastPath path, Job job) throws InterruptedException {
        Optional<Job> read = Optional.empty();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (read.isEmpty() && System.nanoTime() < deadline) {
            path.cacheJob(job, TTL);
            read = path.cachedJob(job.id());
            if (read.isEmpty()) {
                Thread.sleep(100);
            }
        }
        return read;
    }

    @Test
    void aMasterThatStops_turnsItsKeysIntoFallbacks_andTheFastPathRecoversWhenItReturns() throws Exception {
        try (RedisFastPath path = connect(Duration.ofMillis(300), Metrics.none(), null)) {
            List<Job> onVictim = new ArrayList<>();
            int victim = 1;
            while (onVictim.size() < 3) {
                Job job = Jobs.queued("owner", Instant.now());
                if (cluster.nodeOf(cluster.keySlot(RedisFastPath.JOB_PREFIX + job.id().value())) == victim) {
                    path.cacheJob(job, TTL);
                    assertThat(path.cachedJob(job.id())).contains(job);
                    onVictim.add(job);
                }
            }
            Stats before = path.stats();

            cluster.stopNode(victim);
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                for (Job job : onVictim) {
                    // no exception, no stale answer: a fallback to the store
                    assertThat(path.cachedJob(job.id())).isEmpty();
                    path.cacheJob(job, TTL);
                }
                assertThat(path.stats().fallbacks()).isGreaterThanOrEqualTo(before.fallbacks() + onVictim.size());
                assertThat(System.nanoTime()).isLessThan(deadline);
            } finally {
                cluster.startNode(victim);
            }
            cluster.awaitOk(30_000);

            // the node kept nothing (no persistence): a write through the fast path lands again and reads back
            Job back = onVictim.getFirst();
            assertThat(awaitServed(path, back)).as("the fast path serves the returned master again").contains(back);
            // the class's shared client reconnects to it too, before the next test uses it
            assertThat(awaitServed(fastPath, back)).contains(back);
            Stats after = path.stats();
            Job fresh = Jobs.queued("owner", Instant.now());
            path.cacheJob(fresh, TTL);
            assertThat(path.cachedJob(fresh.id())).contains(fresh);
            assertThat(path.stats().hits()).isEqualTo(after.hits() + 1);
            assertThat(path.stats().fallbacks()).isEqualTo(after.fallbacks());
        }
    }
}
