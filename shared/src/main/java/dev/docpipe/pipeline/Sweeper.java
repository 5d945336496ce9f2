package dev.docpipe.pipeline;

import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.port.Metric;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Re-drives jobs whose state has not moved for longer than a stage may take (a lost message, a crash
 * between a write and the next send): the job is touched with a conditional write (so two sweepers
 * never both re-send) and its current stage's message is sent again. After {@code maxRedrives} the
 * job fails with {@code retries_exhausted}. Also runs retention on the store.
 */
public final class Sweeper {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);
    private static final String REDRIVE = "redrive.";

    private final JobTransitions transitions;
    private final StageQueues queues;
    private final Clock clock;
    private final Settings settings;

    /**
     * @param queuedTimeout how long a job may wait in the queue before its message is presumed lost
     * @param stageTimeout  how long a running stage may take before it is presumed crashed
     */
    public record Settings(Duration queuedTimeout, Duration stageTimeout, int maxRedrives, int batch, Duration retention) {
    }

    /** What one sweep did. */
    public record Report(int redriven, int failed, int expiredDeleted) {
    }

    public Sweeper(JobTransitions transitions, StageQueues queues, Clock clock, Settings settings) {
        this.transitions = transitions;
        this.queues = queues;
        this.clock = clock;
        this.settings = settings;
    }

    public Report sweep() {
        Instant now = clock.instant();
        int[] counts = redriveStale(now.minus(settings.queuedTimeout()), now.minus(settings.stageTimeout()), now);
        int redriven = counts[0];
        int failed = counts[1];
        int deleted = transitions.store().deleteExpired(settings.batch());
        if (redriven + failed + deleted > 0) {
            LOG.info("sweep: {} re-driven, {} failed, {} expired deleted", redriven, failed, deleted);
        }
        return new Report(redriven, failed, deleted);
    }

    /**
     * After a crash of the whole system (local mode killed): re-drives every queued or running job
     * whose state has not moved since {@code cutoff}, whatever the timeouts, because a message sent
     * just before the crash may not have been persisted. A job whose message did survive then gets
     * two; the stages' conditional transitions make the second a no-op. Batch after batch until
     * none is left.
     */
    public Report redriveUnmovedSince(Instant cutoff) {
        int redriven = 0;
        int failed = 0;
        // bounded: an index that lags its table (a DynamoDB GSI) could return moved jobs again
        for (int round = 0; round < 10_000; round++) {
            int[] counts = redriveStale(cutoff, cutoff, clock.instant());
            redriven += counts[0];
            failed += counts[1];
            if (counts[0] + counts[1] + counts[2] == 0) {
                break;
            }
        }
        if (redriven + failed > 0) {
            LOG.info("recovery: {} re-driven, {} failed (no progress since {})", redriven, failed, cutoff);
        }
        return new Report(redriven, failed, 0);
    }

    /** One batch per status: {re-driven, failed, skipped}. */
    private int[] redriveStale(Instant queuedCutoff, Instant runningCutoff, Instant now) {
        int[] counts = new int[3];
        for (JobStatus status : List.of(JobStatus.QUEUED, JobStatus.RUNNING)) {
            Instant cutoff = status == JobStatus.QUEUED ? queuedCutoff : runningCutoff;
            for (Job job : transitions.store().findStale(status, cutoff, settings.batch())) {
                counts[redrive(job, now).ordinal()]++;
            }
        }
        return counts;
    }

    private enum Result { REDRIVEN, FAILED, SKIPPED }

    private Result redrive(Job job, Instant now) {
        long earlier = job.timestamps().keySet().stream().filter(k -> k.startsWith(REDRIVE)).count();
        try {
            if (earlier >= settings.maxRedrives()) {
                transitions.apply(job, JobChange.to(JobStatus.FAILED, now)
                        .error(new JobError(ErrorCode.RETRIES_EXHAUSTED, "no progress in the " + job.stage().wire()
                                + " stage after " + earlier + " re-drives"))
                        .stamp("failed", now).expiresAt(now.plus(settings.retention())).build());
                return Result.FAILED;
            }
            Job touched = transitions.apply(job, JobChange.to(job.status(), now).stamp(REDRIVE + (earlier + 1), now).build());
            queues.send(new StageMessage(touched.id(), touched.stage(), touched.priority(), touched.attempt(), "sweeper",
                    touched.owner()));
            transitions.metrics().increment(Metric.SWEEPER_REDRIVES, job.stage().wire());
            LOG.atInfo().addKeyValue("jobId", job.id().value()).addKeyValue("stage", job.stage().wire())
                    .log("job {} re-driven in {} (re-drive {})", job.id(), job.stage().wire(), earlier + 1);
            return Result.REDRIVEN;
        } catch (StaleTransitionException moved) {
            return Result.SKIPPED;
        }
    }
}
