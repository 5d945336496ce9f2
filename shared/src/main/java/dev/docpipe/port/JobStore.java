package dev.docpipe.port;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable job state: the source of truth. Every implementation passes the same contract tests
 * ({@code JobStoreContract}) against its real server.
 *
 * <p>Expired jobs (those whose {@code expiresAt} has passed) are invisible to every read, even if
 * the backing store has not physically removed them yet.
 */
public interface JobStore {

    /**
     * Creates {@code job} unless a live job with the same dedup key exists. Atomic: under any
     * concurrency exactly one job exists per dedup key, and every caller learns its id. An expired job
     * does not count: its dedup key is taken over by the new job.
     */
    CreateResult createIfAbsent(Job job);

    Optional<Job> get(JobId id);

    /**
     * Applies {@code change} if the job is still {@code expectedStatus} at {@code expectedAttempt} and the
     * change would not move its stage back.
     *
     * @return the job after the change
     * @throws dev.docpipe.job.StaleTransitionException   the expectation no longer holds; nothing changed
     * @throws dev.docpipe.job.IllegalTransitionException the transition table forbids the move
     * @throws dev.docpipe.job.JobNotFoundException       no such (live) job
     */
    Job transition(JobId id, JobStatus expectedStatus, int expectedAttempt, JobChange change);

    /**
     * Takes {@code lease} on the job with a conditional write: it succeeds when the job is queued or running
     * in the lease's attempt and stage, and no other holder's lease on that attempt and stage is live at
     * {@code now} (none, lapsed, on another attempt or stage, or taken before {@link StageLease#orphanedBefore()});
     * its own holder may renew it. The lease is kept beside the job's state and changes nothing a reader of
     * the job sees.
     *
     * @return true when {@code lease} is now the job's; false when another holder's lease is live, or the job
     *         is finished, in another attempt or in another stage
     * @throws dev.docpipe.job.JobNotFoundException no such (live) job
     */
    boolean claimStage(JobId id, StageLease lease, Instant now);

    /** Ends {@code holder}'s lease on the job; does nothing when the job is gone or another holder took it over. */
    void releaseStage(JobId id, String holder);

    /** An owner's jobs, newest first, filtered, one page at a time. */
    Page<Job> listByOwner(String owner, JobQuery query);

    /** Jobs in {@code activeStatus} whose last update is older than {@code notUpdatedSince}, oldest first. */
    List<Job> findStale(JobStatus activeStatus, Instant notUpdatedSince, int limit);

    /** The owner's live jobs counted by status (every status present, zero where none). */
    Map<JobStatus, Long> countByStatus(String owner);

    /**
     * Replaces the job by its {@linkplain Job#tombstone tombstone}, whatever its status, and removes its
     * dedup entry (so the same content submitted again is a new job), atomically; the tombstone is kept
     * until {@code keepUntil}. No transition leads out of it, and every conditional write that expected
     * the job's earlier state fails as stale. Idempotent: an erased job is returned as it is.
     *
     * @return the tombstone
     * @throws dev.docpipe.job.JobNotFoundException no such (live) job
     */
    Job erase(JobId id, Instant at, Instant keepUntil);

    /** Removes the job and its dedup entry. @return whether it existed */
    boolean delete(JobId id);

    /**
     * Physically removes up to {@code limit} expired jobs. Stores with native expiry (DynamoDB TTL) may
     * leave that work to the store and return 0.
     *
     * @return how many jobs were removed
     */
    int deleteExpired(int limit);

    /** The job a dedup key points at, and whether this call created it. */
    record CreateResult(Job job, boolean created) {
    }
}
