package dev.docpipe.pipeline;

import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.StaleTransitionException;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.StageMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The dead-letter handler's service: a stage message that exhausted its receives fails its job with
 * {@code retries_exhausted}, naming the stage and the last error the stage recorded.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final JobTransitions transitions;
    private final Clock clock;
    private final Duration retention;

    public DeadLetters(JobTransitions transitions, Clock clock, Duration retention) {
        this.transitions = transitions;
        this.clock = clock;
        this.retention = retention;
    }

    public Metrics metrics() {
        return transitions.metrics();
    }

    /** @return the failed job, or empty when the message no longer matters (job gone, finished, newer attempt) */
    public Optional<Job> handle(StageMessage message, int receiveCount) {
        Optional<Job> found = transitions.store().get(message.jobId());
        for (int round = 0; round < 3 && found.isPresent(); round++) {
            Job job = found.get();
            if (job.status().isTerminal() || job.attempt() != message.attempt()) {
                return Optional.empty();
            }
            Instant now = clock.instant();
            String last = job.error() == null ? "" : "; last error: " + job.error().code().code() + " (" + job.error().message() + ")";
            String why = "the " + message.stage().wire() + " stage gave up after " + receiveCount + " deliveries" + last;
            try {
                Job failed = transitions.apply(job, JobChange.to(JobStatus.FAILED, now)
                        .error(new JobError(ErrorCode.RETRIES_EXHAUSTED, why)).stamp("failed", now)
                        .expiresAt(now.plus(retention)).build());
                LOG.warn("job {} failed from the {} dead-letter queue", job.id(), message.stage().wire());
                return Optional.of(failed);
            } catch (StaleTransitionException moved) {
                found = transitions.store().get(message.jobId());
            }
        }
        return Optional.empty();
    }
}
