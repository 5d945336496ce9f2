package dev.docpipe.port;

import java.util.List;

/**
 * Every metric docpipe records: name, kind, meaning and label names. Both sinks render from this one
 * list: CloudWatch EMF in Lambda (metric {@link #metricName()}, labels as dimensions) and the Prometheus
 * text format in local mode ({@code docpipe_<name>_total} for counters,
 * {@code docpipe_<name>_milliseconds} for histograms). docs/operations.md explains each.
 */
public enum Metric {
    JOBS_CREATED("jobs_created", Kind.COUNTER, "Jobs registered as new (a too_large document counts, then fails at once)"),
    JOBS_DEDUPLICATED("jobs_deduplicated", Kind.COUNTER, "Submissions answered with an existing queued, running or completed job"),
    JOBS_RESTARTED("jobs_restarted", Kind.COUNTER, "Submissions that restarted a failed or cancelled job as a new attempt"),
    JOBS_COMPLETED("jobs_completed", Kind.COUNTER, "Jobs that reached completed"),
    JOBS_FAILED("jobs_failed", Kind.COUNTER, "Jobs that reached failed, by error code", "code"),
    STAGE_DURATION("stage_duration", Kind.HISTOGRAM, "Time a stage's work took on a job that then advanced or completed", "stage"),
    QUEUE_WAIT("queue_wait", Kind.HISTOGRAM, "Age of a message when its function received it (now - SentTimestamp)", "stage"),
    END_TO_END_LATENCY("end_to_end_latency", Kind.HISTOGRAM, "Completion time minus the job's createdAt", "priority"),
    FASTPATH_HITS("fastpath_hits", Kind.COUNTER, "Fast-path (Redis) lookups that answered: dedup claim held, status cached", "op"),
    FASTPATH_MISSES("fastpath_misses", Kind.COUNTER, "Fast-path (Redis) lookups that found nothing usable", "op"),
    FASTPATH_FALLBACKS("fastpath_fallbacks", Kind.COUNTER, "Fast-path (Redis) calls that failed or timed out; the store answered"),
    SWEEPER_REDRIVES("sweeper_redrives", Kind.COUNTER, "Stale jobs whose stage message the sweeper sent again", "stage");

    /** Counters add up; histograms record one value per event, in milliseconds. */
    public enum Kind { COUNTER, HISTOGRAM }

    private final String metricName;
    private final Kind kind;
    private final String help;
    private final List<String> labels;

    Metric(String metricName, Kind kind, String help, String... labels) {
        this.metricName = metricName;
        this.kind = kind;
        this.help = help;
        this.labels = List.of(labels);
    }

    public String metricName() {
        return metricName;
    }

    public Kind kind() {
        return kind;
    }

    public String help() {
        return help;
    }

    /** Label (dimension) names, in the order {@link Metrics} takes their values. */
    public List<String> labels() {
        return labels;
    }

    /** @throws IllegalArgumentException unless {@code values} has one value per label and none is null */
    public List<String> labelValues(String... values) {
        if (values.length != labels.size()) {
            throw new IllegalArgumentException(metricName + " takes labels " + labels + ", got " + values.length + " values");
        }
        for (String v : values) {
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException(metricName + ": a label value is null or empty");
            }
        }
        return List.of(values);
    }
}
