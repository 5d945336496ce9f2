package dev.docpipe.pipeline;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Metric;
import dev.docpipe.port.Metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Registers submitted jobs: exactly one job per dedup key, with Redis as a fast path in front of the
 * store's conditional write. The rule for duplicates:
 *
 * <ul>
 *   <li>a duplicate of a queued, running or completed job returns that job ({@code deduplicated});</li>
 *   <li>a duplicate of a failed or cancelled job starts a new attempt of that same job (same id,
 *       attempt + 1, {@code restarted}) — resubmitting is how a user says "try again";</li>
 *   <li>an expired job does not count: the duplicate becomes a new job.</li>
 * </ul>
 *
 * The fast path only ever saves a store write: a claim it reports is checked against the store, and
 * when Redis is down every registration goes straight to the store.
 */
public final class JobRegistry {
    private static final int MAX_RESTART_ROUNDS = 5;

    private final JobStore store;
    private final FastPath fastPath;
    private final Clock clock;
    private final Duration dedupTtl;
    private final Duration statusTtl;
    private final Metrics metrics;

    public JobRegistry(JobStore store, FastPath fastPath, Clock clock, Duration dedupTtl, Duration statusTtl) {
        this(store, fastPath, clock, dedupTtl, statusTtl, Metrics.none());
    }

    /** @param metrics counts each registration by outcome (created, deduplicated, restarted) */
    public JobRegistry(JobStore store, FastPath fastPath, Clock clock, Duration dedupTtl, Duration statusTtl,
                       Metrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.fastPath = fastPath;
        this.clock = clock;
        this.dedupTtl = dedupTtl;
        this.statusTtl = statusTtl;
    }

    /** The outcome of a registration. */
    public record Registration(Job job, Outcome outcome) {
        public boolean deduplicated() {
            return outcome == Outcome.DEDUPLICATED;
        }
    }

    public enum Outcome { CREATED, DEDUPLICATED, RESTARTED }

    public Registration register(Job candidate) {
        return register(candidate, true);
    }

    /**
     * @param restartFinished whether a duplicate of a failed or cancelled job restarts it (a user
     *                        submitting again); false for re-discoveries of the same submission (the
     *                        sweeper's scan of uploads), which must never undo a cancel and are not
     *                        counted as {@code jobs_deduplicated} (every sweep finds every settled upload)
     */
    public Registration register(Job candidate, boolean restartFinished) {
        Registration registration = decide(candidate, restartFinished);
        switch (registration.outcome()) {
            case CREATED -> metrics.increment(Metric.JOBS_CREATED);
            case DEDUPLICATED -> {
                if (restartFinished) {
                    metrics.increment(Metric.JOBS_DEDUPLICATED);
                }
            }
            case RESTARTED -> metrics.increment(Metric.JOBS_RESTARTED);
        }
        return registration;
    }

    private Registration decide(Job candidate, boolean restartFinished) {
        if (fastPath.claimDedup(candidate.dedupKey(), candidate.id(), dedupTtl) instanceof FastPath.DedupClaim.Existing hit) {
            Optional<Job> known = store.get(hit.jobId());
            if (known.isPresent() && known.get().dedupKey().equals(candidate.dedupKey())) {
                return settle(known.get(), restartFinished);
            }
            // the claim outlived its job (expired or deleted): the store decides
        }
        JobStore.CreateResult result = store.createIfAbsent(candidate);
        if (!result.job().id().equals(candidate.id())) {
            fastPath.rememberDedup(candidate.dedupKey(), result.job().id(), dedupTtl);
        }
        if (result.created()) {
            fastPath.cacheJob(result.job(), statusTtl);
            return new Registration(result.job(), Outcome.CREATED);
        }
        return settle(result.job(), restartFinished);
    }

    /** An existing job for a duplicate: returned as is, or restarted if it had failed or was cancelled. */
    private Registration settle(Job existing, boolean restartFinished) {
        Job job = existing;
        if (!restartFinished) {
            return new Registration(job, Outcome.DEDUPLICATED);
        }
        for (int round = 0; round < MAX_RESTART_ROUNDS; round++) {
            if (!(job.status() == JobStatus.FAILED || job.status() == JobStatus.CANCELLED)) {
                return new Registration(job, Outcome.DEDUPLICATED);
            }
            try {
                Job restarted = store.transition(job.id(), job.status(), job.attempt(),
                        JobChange.to(JobStatus.QUEUED, clock.instant()).stamp("queued", clock.instant()).build());
                fastPath.cacheJob(restarted, statusTtl);
                return new Registration(restarted, Outcome.RESTARTED);
            } catch (StaleTransitionException raced) {
                // another duplicate restarted it first: report the job as it is now
                JobId id = job.id();
                job = store.get(id).orElseThrow(() -> new JobNotFoundException(id));
            }
        }
        return new Registration(job, Outcome.DEDUPLICATED);
    }
}
