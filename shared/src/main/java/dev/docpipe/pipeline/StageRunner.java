package dev.docpipe.pipeline;

import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobNotFoundException;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Stage;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.logging.LogFields;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Metric;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.StageLease;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Turns at-least-once delivery into exactly-once effects for one stage message:
 *
 * <ol>
 *   <li>a message for a missing, finished, cancelled or other-attempt job is acknowledged and dropped (for
 *       a job finished in the message's attempt, after queueing its webhook event again: the same event);</li>
 *   <li>a message whose stage the job has already passed re-sends the next stage's message (the
 *       send may have been lost after the state write) and is acknowledged;</li>
 *   <li>a message for a stage another run is still working on (its {@link StageLease} is live), or that the
 *       job left after this message's run read it, is acknowledged and dropped: the lease is granted only
 *       while the job is in the message's attempt and stage, so a redelivery during a slow stage never
 *       starts it a second time, nor does a duplicate that lost the race to the stage's end. If
 *       that run dies, its lease lapses after the stage function's timeout and SQS's redelivery (after
 *       the visibility timeout, {@value FunctionTimeouts#VISIBILITY_FACTOR} × longer) or the sweeper
 *       runs the stage again;</li>
 *   <li>otherwise, under the lease, the job is marked running in this stage, the work is done
 *       (idempotent: output at a key derived from the job id), and the job advances with a
 *       conditional write that only one duplicate can win; only the winner sends the next message.
 *       A run that moved the job on leaves its lease as it is (no claim can match it any more); any other
 *       ending releases it.</li>
 * </ol>
 *
 * A permanent error fails the job at once; a transient one is rethrown so the message returns to
 * the queue (and, after maxReceiveCount, to the dead-letter queue).
 *
 * <p>A job erased while its stage runs: the stage's next conditional write fails (no transition leads
 * out of {@code erased}), the runner reads the job again, finds the tombstone and deletes whatever the
 * stage wrote ({@link JobEraser#purgeLeftovers}), so no work object or PDF outlives the erase. A run whose
 * lease lapsed while a later run finished the job does the same for the finished job's work objects.
 */
public final class StageRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

    /** What became of a message; every outcome but a thrown exception acknowledges it. */
    public enum Outcome { ADVANCED, COMPLETED, FAILED, RESENT_NEXT, DROPPED, LOST_RACE, ALREADY_RUNNING }

    /**
     * How stages are leased: each for its function's timeout (a run cannot outlive it), and, in local
     * mode, leases taken before {@code orphanedBefore} (by the previous, killed process) count as lapsed.
     */
    public record Leases(FunctionTimeouts timeouts, Instant orphanedBefore) {
        public static Leases of(FunctionTimeouts timeouts) {
            return new Leases(timeouts, null);
        }
    }

    private final JobTransitions transitions;
    private final StageQueues queues;
    private final Clock clock;
    private final Duration retention;
    private final Leases leases;
    private final Consumer<Job> purgeLeftovers;

    public StageRunner(JobTransitions transitions, StageQueues queues, Clock clock, Duration retention) {
        this(transitions, queues, clock, retention, Leases.of(FunctionTimeouts.DEPLOYED));
    }

    public StageRunner(JobTransitions transitions, StageQueues queues, Clock clock, Duration retention, Leases leases) {
        this(transitions, queues, clock, retention, leases, job -> { });
    }

    /**
     * @param purgeLeftovers deletes what a stage wrote for a job that was erased or finished by another run while
     *                       this one ran ({@link JobEraser#purgeLeftovers}); given the job as it is now
     */
    public StageRunner(JobTransitions transitions, StageQueues queues, Clock clock, Duration retention, Leases leases,
                       Consumer<Job> purgeLeftovers) {
        this.transitions = transitions;
        this.queues = queues;
        this.clock = clock;
        this.retention = retention;
        this.leases = leases;
        this.purgeLeftovers = purgeLeftovers;
    }

    public Outcome run(StageMessage message, StageWork work) {
        if (message.stage() != work.stage()) {
            throw new IllegalArgumentException(message.stage() + " message given to the " + work.stage() + " stage");
        }
        JobStore store = transitions.store();
        Optional<Job> found = store.get(message.jobId());
        if (found.isEmpty()) {
            LOG.info("job {} not found: dropping its {} message", message.jobId(), message.stage().wire());
            return Outcome.DROPPED;
        }
        Job job = found.get();
        LogFields.put(LogFields.OWNER, job.owner());
        if (job.attempt() == message.attempt() && job.status().isTerminal()) {
            transitions.outcome(job);
        }
        if (job.attempt() != message.attempt() || job.status().isTerminal()) {
            LOG.info("job {} is {} at attempt {}: dropping {} message of attempt {}", job.id(), job.status().wire(),
                    job.attempt(), message.stage().wire(), message.attempt());
            return Outcome.DROPPED;
        }
        if (job.status() == JobStatus.RUNNING && job.stage().rank() > message.stage().rank()) {
            queues.send(forward(message, job, job.stage()));
            LOG.info("job {} already past {}: re-sent its {} message", job.id(), message.stage().wire(), job.stage().wire());
            return Outcome.RESENT_NEXT;
        }
        if (job.stage() != message.stage()) {
            LOG.warn("job {} is in stage {}, not {}: dropping the message", job.id(), job.stage().wire(), message.stage().wire());
            return Outcome.DROPPED;
        }
        Instant started = clock.instant();
        String holder = UUID.randomUUID().toString();
        StageLease lease = new StageLease(job.attempt(), message.stage(), holder, started,
                started.plus(leases.timeouts().of(message.stage())), leases.orphanedBefore());
        try {
            if (!store.claimStage(job.id(), lease, started)) {
                LOG.info("job {}: {} of attempt {} is already running under a live lease, or the job has left it: "
                        + "dropping the duplicate message",
                        job.id(), message.stage().wire(), job.attempt());
                return Outcome.ALREADY_RUNNING;
            }
        } catch (JobNotFoundException gone) {
            LOG.info("job {} not found: dropping its {} message", message.jobId(), message.stage().wire());
            return Outcome.DROPPED;
        }
        Outcome outcome = null;
        try {
            outcome = runLeased(message, work, job, started);
            return outcome;
        } finally {
            if (!movedOnByThisRun(outcome)) {
                release(job, holder);
            }
        }
    }

    /**
     * Whether this run's own write took the job out of the leased stage (to the next stage, completed or failed):
     * then the lease can never block a claim again (a claim needs the job in the lease's stage and attempt, and
     * the stage only moves forward), so releasing it would be a wasted conditional write.
     */
    private static boolean movedOnByThisRun(Outcome outcome) {
        return outcome == Outcome.ADVANCED || outcome == Outcome.COMPLETED || outcome == Outcome.FAILED;
    }

    private Outcome runLeased(StageMessage message, StageWork work, Job job, Instant started) {
        if (job.status() == JobStatus.QUEUED) {
            try {
                job = transitions.apply(job, JobChange.to(JobStatus.RUNNING, started).stage(message.stage())
                        .progress(progressAtStart(message.stage())).stamp(message.stage().wire() + ".started", started).build());
            } catch (StaleTransitionException raced) {
                return Outcome.LOST_RACE;
            }
        }
        JobResult result;
        Format detected;
        try {
            StageWork.Done done = work.performAndReport(job);
            result = done.result();
            detected = job.format() == null ? done.detectedFormat() : null;
        } catch (DocpipeException e) {
            if (e.isTransient()) {
                if (!noteTransientError(job, e) && erased(cleanedUpAfterLosing(job))) {
                    return Outcome.DROPPED;
                }
                throw e;
            }
            return fail(job, e);
        }
        Instant finished = clock.instant();
        long tookMs = Duration.between(started, finished).toMillis();
        String done = message.stage().wire() + ".finished";
        Optional<Stage> next = next(message.stage());
        try {
            if (next.isEmpty()) {
                transitions.apply(job, JobChange.to(JobStatus.COMPLETED, finished).progress(100).result(result)
                        .format(detected).stamp(done, finished).stamp("completed", finished).expiresAt(finished.plus(retention)).build());
                stageDone(job, message.stage(), tookMs);
                LOG.atInfo().addKeyValue("durationMs", Duration.between(job.createdAt(), finished).toMillis())
                        .log("job {} completed: {} pages, {} bytes", job.id(), result.pages(), result.bytes());
                return Outcome.COMPLETED;
            }
            transitions.apply(job, JobChange.to(JobStatus.RUNNING, finished).stage(next.get()).format(detected)
                    .progress(progressAtStart(next.get())).stamp(done, finished)
                    .stamp(next.get().wire() + ".started", finished).build());
        } catch (StaleTransitionException raced) {
            if (erased(cleanedUpAfterLosing(job))) {
                return Outcome.DROPPED;
            }
            LOG.info("job {}: a duplicate {} message finished first", job.id(), message.stage().wire());
            return Outcome.LOST_RACE;
        }
        stageDone(job, message.stage(), tookMs);
        queues.send(forward(message, job, next.get()));
        return Outcome.ADVANCED;
    }

    private void release(Job job, String holder) {
        try {
            transitions.store().releaseStage(job.id(), holder);
        } catch (DocpipeException e) {
            LOG.warn("job {}: stage lease not released ({}); it lapses by itself", job.id(), e.code().code());
        }
    }

    /** The stage's work advanced the job: its duration, as a metric and on the log line. */
    private void stageDone(Job job, Stage stage, long tookMs) {
        metrics().observe(Metric.STAGE_DURATION, tookMs, stage.wire());
        LOG.atInfo().addKeyValue("durationMs", tookMs).log("job {} {} done in {} ms", job.id(), stage.wire(), tookMs);
    }

    public Metrics metrics() {
        return transitions.metrics();
    }

    private Outcome fail(Job job, DocpipeException e) {
        Instant now = clock.instant();
        try {
            transitions.apply(job, JobChange.to(JobStatus.FAILED, now).error(new JobError(e.code(), e.getMessage()))
                    .stamp("failed", now).expiresAt(now.plus(retention)).build());
            LOG.info("job {} failed in {}: {}", job.id(), job.stage().wire(), e.code().code());
            return Outcome.FAILED;
        } catch (StaleTransitionException raced) {
            return erased(cleanedUpAfterLosing(job)) ? Outcome.DROPPED : Outcome.LOST_RACE;
        }
    }

    /**
     * Keeps the last transient error on the job, so a dead-lettered job can say what went wrong.
     *
     * @return false when the job was no longer in the state the stage started from
     */
    private boolean noteTransientError(Job job, DocpipeException e) {
        try {
            transitions.apply(job, JobChange.to(JobStatus.RUNNING, clock.instant())
                    .error(new JobError(e.code(), e.getMessage())).build());
            return true;
        } catch (StaleTransitionException stale) {
            return false;
        } catch (DocpipeException ignored) {
            // best effort: the message is retried either way
            return true;
        }
    }

    /**
     * After a failed conditional write: the job as it is now. If it was erased or finished meanwhile, what this
     * stage wrote for it is deleted (nothing reads a finished job's work objects; the run that finished it
     * deleted its own before this one wrote them again).
     */
    private Optional<Job> cleanedUpAfterLosing(Job job) {
        Optional<Job> now = transitions.store().get(job.id());
        now.filter(current -> current.status().isTerminal()).ifPresent(current -> {
            purgeLeftovers.accept(current);
            LOG.info("job {} was {} during its {} stage: this run's output is deleted", job.id(),
                    current.status().wire(), job.stage().wire());
        });
        return now;
    }

    private static boolean erased(Optional<Job> job) {
        return job.isPresent() && job.get().status() == JobStatus.ERASED;
    }

    static Optional<Stage> next(Stage stage) {
        Stage[] all = Stage.values();
        return stage.ordinal() + 1 < all.length ? Optional.of(all[stage.ordinal() + 1]) : Optional.empty();
    }

    static int progressAtStart(Stage stage) {
        return switch (stage) {
            case PARSE -> 10;
            case RENDER -> 40;
            case STORE -> 80;
        };
    }

    /** The job's message for {@code stage}, grouped by the job's owner (a message from before owners were sent has none). */
    private static StageMessage forward(StageMessage message, Job job, Stage stage) {
        return new StageMessage(message.jobId(), stage, message.priority(), message.attempt(), message.traceId(), job.owner());
    }
}
