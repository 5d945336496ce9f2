package dev.docpipe.bench;

import dev.docpipe.adapter.redis.RedisFastPath;
import dev.docpipe.job.Job;
import dev.docpipe.port.FastPath;
import dev.docpipe.standins.RedisStandIn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Latency of a fast-path hit on a real redis-server: a dedup claim that finds its key, a cached status read. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class FastPathBenchmark {
    private RedisStandIn redis;
    private RedisFastPath fastPath;
    private Job job;

    @Setup(Level.Trial)
    public void start() {
        redis = RedisStandIn.startNew();
        fastPath = RedisFastPath.connect(redis.uri(), Duration.ofMillis(100));
        job = StoreFixture.newJob("bench-redis");
        fastPath.claimDedup(job.dedupKey(), job.id(), Duration.ofHours(1));
        fastPath.cacheJob(job, Duration.ofHours(1));
    }

    @TearDown(Level.Trial)
    public void stop() {
        fastPath.close();
        redis.close();
    }

    @Benchmark
    public FastPath.DedupClaim claimDedup_hit() {
        return fastPath.claimDedup(job.dedupKey(), job.id(), Duration.ofHours(1));
    }

    @Benchmark
    public Optional<Job> cachedJob_hit() {
        return fastPath.cachedJob(job.id());
    }
}
