package dev.docpipe.port;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;

import java.time.Duration;
import java.util.Optional;

/**
 * A cache in front of the {@link JobStore}: a dedup claim before the store's conditional write and a
 * write-through status cache for polling. Never the source of truth: when it is down or slow every
 * call answers {@link DedupClaim.Unavailable} or empty at once, and callers go to the store.
 */
public interface FastPath {

    /** Claims {@code dedupKey} for {@code candidate} if nobody holds it ({@code SET NX} with a TTL). */
    DedupClaim claimDedup(String dedupKey, JobId candidate, Duration ttl);

    /** Points {@code dedupKey} at {@code id} (after the store decided which job owns it). */
    void rememberDedup(String dedupKey, JobId id, Duration ttl);

    void forgetDedup(String dedupKey);

    /**
     * The cached job, if cached, reachable and written by docpipe: an entry anyone else wrote or changed
     * (whoever can write to the cache) is a miss, so callers may trust its owner and fields as the store's.
     */
    Optional<Job> cachedJob(JobId id);

    /** Caches {@code job} unless the cache holds a newer state of it (attempt, then progress, then update time). */
    void cacheJob(Job job, Duration ttl);

    void evictJob(JobId id);

    /** Counters since start: hits, misses and calls that fell back to the store. */
    Stats stats();

    /** The outcome of a dedup claim. */
    sealed interface DedupClaim {
        record Claimed() implements DedupClaim {
        }

        record Existing(JobId jobId) implements DedupClaim {
        }

        record Unavailable() implements DedupClaim {
        }
    }

    record Stats(long hits, long misses, long fallbacks) {
    }
}
