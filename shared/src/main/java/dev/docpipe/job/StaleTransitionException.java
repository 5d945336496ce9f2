package dev.docpipe.job;

/**
 * A conditional transition whose expectation (status, attempt, stage order) no longer holds: another
 * writer got there first. Nothing was changed.
 */
public final class StaleTransitionException extends DocpipeException {
    private final JobId jobId;

    public StaleTransitionException(JobId jobId, JobStatus expectedStatus, int expectedAttempt) {
        super(ErrorCode.STALE_TRANSITION, "job " + jobId + " is no longer " + expectedStatus.wire()
                + " at attempt " + expectedAttempt);
        this.jobId = jobId;
    }

    public JobId jobId() {
        return jobId;
    }
}
