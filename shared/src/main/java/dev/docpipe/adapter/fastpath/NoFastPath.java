package dev.docpipe.adapter.fastpath;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.port.FastPath;

import java.time.Duration;
import java.util.Optional;

/** The fast path when no Redis is configured: every call goes to the store, nothing is counted as a fallback. */
public final class NoFastPath implements FastPath {
    private static final DedupClaim UNAVAILABLE = new DedupClaim.Unavailable();

    @Override
    public DedupClaim claimDedup(String dedupKey, JobId candidate, Duration ttl) {
        return UNAVAILABLE;
    }

    @Override
    public void rememberDedup(String dedupKey, JobId id, Duration ttl) {
    }

    @Override
    public void forgetDedup(String dedupKey) {
    }

    @Override
    public Optional<Job> cachedJob(JobId id) {
        return Optional.empty();
    }

    @Override
    public void cacheJob(Job job, Duration ttl) {
    }

    @Override
    public void evictJob(JobId id) {
    }

    @Override
    public Stats stats() {
        return new Stats(0, 0, 0);
    }
}
