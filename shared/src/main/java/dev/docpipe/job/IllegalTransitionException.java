package dev.docpipe.job;

/** A status move the transition table forbids (e.g. completed → queued). */
public final class IllegalTransitionException extends DocpipeException {
    public IllegalTransitionException(JobId id, JobStatus from, JobStatus to) {
        super(ErrorCode.CONFLICT, "job " + id + " cannot move from " + from.wire() + " to " + to.wire());
    }
}
