package dev.docpipe.job;

import java.util.Objects;

/** Why a job failed: a stable code and a human message (never a stack trace). */
public record JobError(ErrorCode code, String message) {
    public JobError {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
    }
}
