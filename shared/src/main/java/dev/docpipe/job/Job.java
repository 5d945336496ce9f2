package dev.docpipe.job;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A document-to-PDF job; times are kept to the millisecond, as every store keeps them. Immutable: a change of state is a {@link JobChange} applied by a store
 * under a condition on the expected status and attempt.
 *
 * @param timestamps when each step happened, keyed like {@code queued}, {@code parse.started},
 *                   {@code parse.finished}, {@code completed}
 * @param expiresAt  when retention removes the job (set once it is terminal), or null
 */
public record Job(
        JobId id,
        String owner,
        Source source,
        String filename,
        Format format,
        Priority priority,
        Map<String, String> options,
        String dedupKey,
        JobStatus status,
        Stage stage,
        int progress,
        int attempt,
        Instant createdAt,
        Instant updatedAt,
        Map<String, Instant> timestamps,
        JobError error,
        JobResult result,
        Instant expiresAt) {

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(dedupKey, "dedupKey");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        options = Map.copyOf(options == null ? Map.of() : options);
        timestamps = Times.millis(timestamps);
        createdAt = Times.millis(createdAt);
        updatedAt = Times.millis(updatedAt);
        expiresAt = Times.millis(expiresAt);
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1");
        }
    }

    /** A new queued job, attempt 1, waiting for its first stage. */
    public static Job newQueued(JobId id, String owner, Source source, String filename, Format format,
                                Priority priority, Map<String, String> options, String dedupKey, Instant now) {
        return newQueued(id, owner, source, filename, format, priority, options, dedupKey, now, now);
    }

    /**
     * A job created at {@code createdAt} that enters the queue {@code now}: a pre-signed upload's job
     * exists from the moment its id was handed out (the id carries that time, and history filters and
     * sorts by it), while its document arrives later.
     */
    public static Job newQueued(JobId id, String owner, Source source, String filename, Format format,
                                Priority priority, Map<String, String> options, String dedupKey, Instant createdAt,
                                Instant now) {
        return new Job(id, owner, source, filename, format, priority, options, dedupKey, JobStatus.QUEUED,
                Stage.PARSE, 0, 1, createdAt, now, Map.of("queued", now), null, null, null);
    }

    /** The dedup key a tombstone holds: unique per job, derived from nothing of the document. */
    public static String erasedDedupKey(JobId id) {
        return "erased:" + id.value();
    }

    /**
     * What is left of the job once erased: id, owner, priority, source kind, attempt and stage (so no
     * older cached state can pass for newer), creation and erasure times, kept until {@code keepUntil}.
     * Nothing that names or describes the document: no file name, format, options, source location,
     * dedup key (it derives from the content), error or result.
     */
    public Job tombstone(Instant at, Instant keepUntil) {
        return new Job(id, owner, new Source(source.kind(), ""), null, null, priority, Map.of(), erasedDedupKey(id),
                JobStatus.ERASED, stage, 0, attempt, createdAt, at, Map.of("erased", at), null, null, keepUntil);
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    /**
     * The job after {@code change}, checked against the transition table. Stores use the same rules in
     * their conditional writes; this is the reference the in-memory and cached copies follow.
     */
    public Job apply(JobChange change) {
        if (!status.canMoveTo(change.status())) {
            throw new IllegalTransitionException(id, status, change.status());
        }
        boolean newAttempt = status.startsNewAttempt(change.status());
        Stage nextStage = newAttempt ? Stage.PARSE : (change.stage() == null ? stage : change.stage());
        boolean strict = change.stage() != null && JobStatus.advancesStrictly(status, change.status());
        if (!newAttempt && (nextStage.rank() < stage.rank() || strict && nextStage.rank() == stage.rank())) {
            throw new IllegalTransitionException(id, status, change.status());
        }
        Map<String, Instant> stamps = new LinkedHashMap<>(newAttempt ? Map.of() : timestamps);
        stamps.putAll(change.timestamps());
        int nextProgress = newAttempt ? 0 : (change.progress() == null ? progress : change.progress());
        JobError nextError = newAttempt || change.clearError() ? null : (change.error() == null ? error : change.error());
        JobResult nextResult = newAttempt ? null : (change.result() == null ? result : change.result());
        Instant nextExpiry = newAttempt ? null : (change.expiresAt() == null ? expiresAt : change.expiresAt());
        Format nextFormat = change.format() == null ? format : change.format();
        return new Job(id, owner, source, filename, nextFormat, priority, options, dedupKey, change.status(), nextStage,
                nextProgress, newAttempt ? attempt + 1 : attempt, createdAt, change.at(), stamps, nextError,
                nextResult, nextExpiry);
    }
}
