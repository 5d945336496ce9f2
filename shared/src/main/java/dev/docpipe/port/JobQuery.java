package dev.docpipe.port;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;

import java.time.Instant;

/**
 * Filters for an owner's history. Null filters match everything; {@code since}/{@code until} bound the
 * creation time ({@code since} inclusive, {@code until} exclusive). {@code filename} matches the job's
 * file name exactly; {@code source} the kind of its source; {@code sourceLocation} its source's location
 * exactly (an upload's {@code s3://bucket/key}, see {@link Source#s3}).
 */
public record JobQuery(JobStatus status, Priority priority, Instant since, Instant until, int limit, String cursor,
                       String filename, Source.Kind source, String sourceLocation) {
    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 20;

    public JobQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new DocpipeException(ErrorCode.INVALID_REQUEST,
                    "limit must be between 1 and " + MAX_LIMIT, "limit", null);
        }
    }

    /** Without the file filters. */
    public JobQuery(JobStatus status, Priority priority, Instant since, Instant until, int limit, String cursor) {
        this(status, priority, since, until, limit, cursor, null, null, null);
    }

    public static JobQuery all(int limit) {
        return new JobQuery(null, null, null, null, limit, null);
    }

    public JobQuery withCursor(String next) {
        return new JobQuery(status, priority, since, until, limit, next, filename, source, sourceLocation);
    }

    /** The same query, also matching the file name, the source kind and the source location (nulls match all). */
    public JobQuery withFile(String name, Source.Kind kind, String location) {
        return new JobQuery(status, priority, since, until, limit, cursor, name, kind, location);
    }

    /** Whether {@code job} passes every filter but the time window (which the stores apply on ids). */
    public boolean matches(Job job) {
        return (status == null || job.status() == status)
                && (priority == null || job.priority() == priority)
                && (filename == null || filename.equals(job.filename()))
                && (source == null || job.source().kind() == source)
                && (sourceLocation == null || sourceLocation.equals(job.source().location()));
    }
}
