package dev.docpipe.port;

import dev.docpipe.job.Job;

/**
 * Completion webhooks as the pipeline sees them: where a job's outcome goes, and the outcome itself.
 * Delivery (signing, the public-address check, retries) happens elsewhere, from its own queue.
 */
public interface Webhooks {

    /** Records {@code callbackUrl} as where {@code job}'s outcome is posted; called before its first stage message. */
    void subscribe(Job job, String callbackUrl);

    /**
     * Queues the outcome event of {@code job}, which has just reached (or is found in) a terminal state.
     * The event is a function of the job as stored, so calling this twice for one outcome queues the same
     * event twice, never two different ones; the delivery side drops the repeat.
     */
    void finished(Job job);

    /** No webhooks (tests and tools that do not deliver them). */
    static Webhooks none() {
        return new Webhooks() {
            @Override
            public void subscribe(Job job, String callbackUrl) {
            }

            @Override
            public void finished(Job job) {
            }
        };
    }
}
