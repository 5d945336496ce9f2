package dev.docpipe.job;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a transition changes. Fields left null keep their value. A move out of a terminal status
 * (retry) starts a new attempt: the store increments the attempt and resets stage, progress, error,
 * result, expiry and timestamps, whatever else the change says.
 */
public record JobChange(
        JobStatus status,
        Stage stage,
        Integer progress,
        Map<String, Instant> timestamps,
        JobError error,
        boolean clearError,
        JobResult result,
        Instant expiresAt,
        Format format,
        Instant at) {

    public JobChange {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        timestamps = Map.copyOf(timestamps == null ? Map.of() : timestamps);
        if (progress != null && (progress < 0 || progress > 100)) {
            throw new IllegalArgumentException("progress must be 0..100");
        }
    }

    public static Builder to(JobStatus status, Instant at) {
        return new Builder(status, at);
    }

    /** Builder for the optional parts of a change. */
    public static final class Builder {
        private final JobStatus status;
        private final Instant at;
        private Stage stage;
        private Integer progress;
        private final Map<String, Instant> timestamps = new LinkedHashMap<>();
        private JobError error;
        private boolean clearError;
        private JobResult result;
        private Instant expiresAt;
        private Format format;

        private Builder(JobStatus status, Instant at) {
            this.status = status;
            this.at = at;
        }

        public Builder stage(Stage value) {
            this.stage = value;
            return this;
        }

        public Builder progress(int value) {
            this.progress = value;
            return this;
        }

        public Builder stamp(String event, Instant when) {
            timestamps.put(event, when);
            return this;
        }

        public Builder error(JobError value) {
            this.error = value;
            return this;
        }

        public Builder clearError() {
            this.clearError = true;
            return this;
        }

        public Builder result(JobResult value) {
            this.result = value;
            return this;
        }

        /** The document's format, when the job has none yet (detected at parse); kept by a new attempt. */
        public Builder format(Format value) {
            this.format = value;
            return this;
        }

        public Builder expiresAt(Instant value) {
            this.expiresAt = value;
            return this;
        }

        public JobChange build() {
            return new JobChange(status, stage, progress, timestamps, error, clearError, result, expiresAt, format, at);
        }
    }
}
