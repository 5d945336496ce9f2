package dev.docpipe.pipeline;

import dev.docpipe.job.Job;
import dev.docpipe.job.JobChange;
import dev.docpipe.port.FastPath;
import dev.docpipe.port.JobStore;

import java.time.Duration;

/** Conditional transitions of a job as it was read, written through to the status cache. */
public final class JobTransitions {
    private final JobStore store;
    private final FastPath fastPath;
    private final Duration statusTtl;

    public JobTransitions(JobStore store, FastPath fastPath, Duration statusTtl) {
        this.store = store;
        this.fastPath = fastPath;
        this.statusTtl = statusTtl;
    }

    /**
     * Applies {@code change} if {@code current} is still the job's status and attempt.
     *
     * @throws dev.docpipe.job.StaleTransitionException if it is not; nothing changed
     */
    public Job apply(Job current, JobChange change) {
        Job next = store.transition(current.id(), current.status(), current.attempt(), change);
        fastPath.cacheJob(next, statusTtl);
        return next;
    }

    public JobStore store() {
        return store;
    }
}
