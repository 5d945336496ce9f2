package dev.docpipe.job;

/** No such job (or it has expired). */
public final class JobNotFoundException extends DocpipeException {
    public JobNotFoundException(JobId id) {
        super(ErrorCode.NOT_FOUND, "job " + id + " not found");
    }
}
