package dev.docpipe.port;

import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;

import java.util.Objects;

/**
 * A claim check between stages: references only, never document content. The stage's input lives
 * in S3 under a key derived from the job id.
 *
 * @param owner the job's owner (tenant); the queues group messages by it so that one tenant's
 *              backlog cannot starve another's jobs of the same priority. Empty when unknown (a
 *              message written before the field existed): such a message is a group of its own.
 */
public record StageMessage(JobId jobId, Stage stage, Priority priority, int attempt, String traceId, String owner) {
    public StageMessage {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(priority, "priority");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1");
        }
        traceId = traceId == null ? "" : traceId;
        owner = owner == null ? "" : owner;
    }

    /** A message without an owner (its own fairness group). */
    public StageMessage(JobId jobId, Stage stage, Priority priority, int attempt, String traceId) {
        this(jobId, stage, priority, attempt, traceId, "");
    }

    /** The same job's message for {@code next}. */
    public StageMessage next(Stage next) {
        return new StageMessage(jobId, next, priority, attempt, traceId, owner);
    }
}
