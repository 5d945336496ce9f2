package dev.docpipe.port;

import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;

import java.util.Objects;

/**
 * A claim check between stages: references only, never document content. The stage's input lives
 * in S3 under a key derived from the job id.
 */
public record StageMessage(JobId jobId, Stage stage, Priority priority, int attempt, String traceId) {
    public StageMessage {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(priority, "priority");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1");
        }
        traceId = traceId == null ? "" : traceId;
    }

    /** The same job's message for {@code next}. */
    public StageMessage next(Stage next) {
        return new StageMessage(jobId, next, priority, attempt, traceId);
    }
}
