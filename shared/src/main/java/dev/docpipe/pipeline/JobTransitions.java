package dev.docpipe.pipeline;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;
import dev.docpipe.port.Metric;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.Webhooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Conditional transitions of a job as it was read, written through to the status cache. Every write that
 * finishes a job goes through here, and only one writer wins each: the place to count completed and
 * failed jobs and the end-to-end latency, and to queue the outcome's webhook event.
 */
public final class JobTransitions {
    private static final Logger LOG = LoggerFactory.getLogger(JobTransitions.class);

    private final JobStore store;
    private final FastPath fastPath;
    private final Duration statusTtl;
    private final Metrics metrics;
    private final Webhooks webhooks;

    public JobTransitions(JobStore store, FastPath fastPath, Duration statusTtl) {
        this(store, fastPath, statusTtl, Metrics.none());
    }

    public JobTransitions(JobStore store, FastPath fastPath, Duration statusTtl, Metrics metrics) {
        this(store, fastPath, statusTtl, metrics, Webhooks.none());
    }

    public JobTransitions(JobStore store, FastPath fastPath, Duration statusTtl, Metrics metrics, Webhooks webhooks) {
        this.store = store;
        this.fastPath = fastPath;
        this.statusTtl = statusTtl;
        this.metrics = metrics;
        this.webhooks = webhooks;
    }

    /**
     * Applies {@code change} if {@code current} is still the job's status and attempt.
     *
     * @throws dev.docpipe.job.StaleTransitionException if it is not; nothing changed
     */
    public Job apply(Job current, JobChange change) {
        Job next = store.transition(current.id(), current.status(), current.attempt(), change);
        fastPath.cacheJob(next, statusTtl);
        if (next.status() != current.status()) {
            switch (next.status()) {
                case COMPLETED -> {
                    metrics.increment(Metric.JOBS_COMPLETED);
                    metrics.observe(Metric.END_TO_END_LATENCY,
                            Duration.between(next.createdAt(), next.updatedAt()).toMillis(), next.priority().wire());
                }
                case FAILED -> metrics.increment(Metric.JOBS_FAILED,
                        next.error() == null ? "unknown" : next.error().code().code());
                default -> { }
            }
            if (next.status().isTerminal()) {
                outcome(next);
            }
        }
        return next;
    }

    /**
     * Queues the webhook event of a finished job again: a repeated stage message that finds its job
     * finished calls this, so an event whose send was lost is still delivered (the event is the same,
     * and the delivery side drops a repeat).
     */
    public void outcome(Job finished) {
        try {
            webhooks.finished(finished);
        } catch (RuntimeException e) {
            // the job's state is written and stays so: a webhook never affects its job
            LOG.warn("job {}: webhook event not queued ({}); a repeated stage message queues it again",
                    finished.id(), e.toString());
        }
    }

    public Webhooks webhooks() {
        return webhooks;
    }

    public Metrics metrics() {
        return metrics;
    }

    public JobStore store() {
        return store;
    }

    public FastPath fastPath() {
        return fastPath;
    }

    /** How long a job stays in the status cache after each write. */
    public Duration statusTtl() {
        return statusTtl;
    }
}
