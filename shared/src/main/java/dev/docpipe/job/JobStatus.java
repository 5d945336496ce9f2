package dev.docpipe.job;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Job status and its transition table. Every status change a store persists must be allowed here;
 * the stores add the conditional check (expected status and attempt) that makes it race-free.
 *
 * <pre>
 * queued    → queued (a re-drive: the sweeper re-sent its message), running, failed, cancelled
 * running   → running (progress, or the next stage: a stage only ever advances), completed, failed, cancelled
 * failed    → queued   (a new attempt: retry, or a duplicate submission)
 * cancelled → queued   (a new attempt: retry, or a duplicate submission)
 * completed → (nothing)
 * erased    → (nothing, ever)
 * </pre>
 *
 * {@code erased} is entered only through {@code JobStore.erase}, which replaces the job by its tombstone
 * (from any status), never through a transition: no transition leads into it or out of it.
 */
public enum JobStatus {
    QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED, ERASED;

    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = Map.of(
            QUEUED, EnumSet.of(QUEUED, RUNNING, FAILED, CANCELLED),
            RUNNING, EnumSet.of(RUNNING, COMPLETED, FAILED, CANCELLED),
            COMPLETED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.of(QUEUED),
            CANCELLED, EnumSet.of(QUEUED),
            ERASED, EnumSet.noneOf(JobStatus.class));

    public boolean canMoveTo(JobStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** A move out of a terminal status starts a new attempt; every other move keeps the attempt. */
    public boolean startsNewAttempt(JobStatus next) {
        return isTerminal() && next == QUEUED && canMoveTo(next);
    }

    /**
     * Whether a change that names a stage must move the stage strictly forward: a running job
     * advancing to its next stage. That makes each advance happen once, however many duplicate
     * messages race for it; other moves only forbid going back.
     */
    public static boolean advancesStrictly(JobStatus from, JobStatus to) {
        return from == RUNNING && to == RUNNING;
    }

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == ERASED;
    }

    public boolean isActive() {
        return !isTerminal();
    }

    public static JobStatus parse(String value) {
        return WireEnum.parse(JobStatus.class, value, ErrorCode.INVALID_STATUS, "status");
    }

    public String wire() {
        return WireEnum.wire(this);
    }
}
