package dev.docpipe.port;

import dev.docpipe.job.Stage;

import java.time.Instant;
import java.util.Objects;

/**
 * A claim on one stage of one attempt of a job: while it is live ({@code until} not reached) no other
 * holder starts that stage, so a message redelivered during a slow stage does not run it twice.
 *
 * @param holder         who runs the stage (unique per run)
 * @param takenAt        when the claim was made
 * @param until          when it lapses if its holder never releases it (the holder crashed or timed out)
 * @param orphanedBefore claims taken before this instant belong to a process known to be dead and
 *                       may be taken over at once (local mode: the previous run on its data directory);
 *                       null where no such knowledge exists (AWS)
 */
public record StageLease(int attempt, Stage stage, String holder, Instant takenAt, Instant until,
                         Instant orphanedBefore) {
    public StageLease {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(until, "until");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1");
        }
        if (!until.isAfter(takenAt)) {
            throw new IllegalArgumentException("a lease must end after it is taken");
        }
    }

    /** What the lease is on: one stage of one attempt ({@code 2:RENDER}). */
    public String key() {
        return attempt + ":" + stage.name();
    }
}
