package dev.docpipe.testing;

import dev.docpipe.adapter.redis.RedisFastPath;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.port.FastPath;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A fake {@link FastPath} for service tests; {@code down} makes every call fall back. */
public final class InMemoryFastPath implements FastPath {
    public volatile boolean down;
    private final Map<String, JobId> dedup = new ConcurrentHashMap<>();
    private final Map<JobId, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong fallbacks = new AtomicLong();

    @Override
    public DedupClaim claimDedup(String dedupKey, JobId candidate, Duration ttl) {
        if (down) {
            fallbacks.incrementAndGet();
            return new DedupClaim.Unavailable();
        }
        JobId existing = dedup.putIfAbsent(dedupKey, candidate);
        if (existing == null) {
            misses.incrementAndGet();
            return new DedupClaim.Claimed();
        }
        hits.incrementAndGet();
        return new DedupClaim.Existing(existing);
    }

    @Override
    public void rememberDedup(String dedupKey, JobId id, Duration ttl) {
        if (!down) {
            dedup.put(dedupKey, id);
        }
    }

    @Override
    public void forgetDedup(String dedupKey) {
        dedup.remove(dedupKey);
    }

    @Override
    public Optional<Job> cachedJob(JobId id) {
        if (down) {
            fallbacks.incrementAndGet();
            return Optional.empty();
        }
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public void cacheJob(Job job, Duration ttl) {
        if (!down) {
            // as in Redis: never replaces a newer state of the job
            jobs.merge(job.id(), job, (cached, next) ->
                    RedisFastPath.version(cached).compareTo(RedisFastPath.version(next)) > 0 ? cached : next);
        }
    }

    @Override
    public void evictJob(JobId id) {
        jobs.remove(id);
    }

    @Override
    public Stats stats() {
        return new Stats(hits.get(), misses.get(), fallbacks.get());
    }

    public Optional<JobId> dedupEntry(String key) {
        return Optional.ofNullable(dedup.get(key));
    }
}
