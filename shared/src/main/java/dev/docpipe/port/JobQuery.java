package dev.docpipe.port;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;

import java.time.Instant;

/**
 * Filters for an owner's history. Null filters match everything; {@code since}/{@code until} bound the
 * creation time ({@code since} inclusive, {@code until} exclusive).
 */
public record JobQuery(JobStatus status, Priority priority, Instant since, Instant until, int limit, String cursor) {
    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 20;

    public JobQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST,
                    "limit must be between 1 and " + MAX_LIMIT, "limit", null);
        }
    }

    public static JobQuery all(int limit) {
        return new JobQuery(null, null, null, null, limit, null);
    }

    public JobQuery withCursor(String next) {
        return new JobQuery(status, priority, since, until, limit, next);
    }
}
