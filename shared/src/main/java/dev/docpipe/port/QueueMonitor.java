package dev.docpipe.port;

import dev.docpipe.job.Priority;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Read-only view of the pipeline's queues for the stats and health API: approximate depths per
 * stage and priority, and of each stage's dead-letter queue. Counts are approximate (queues report
 * them eventually consistently) and global: they are not split by owner.
 */
public interface QueueMonitor {

    /**
     * Every work queue ({@code ingest}, then each stage by priority, highest first) followed by each
     * dead-letter queue.
     *
     * @throws dev.docpipe.job.DocpipeException ({@code STORE_UNAVAILABLE}) when the queues cannot be read
     */
    List<QueueLoad> loads();

    /**
     * One cheap read of one queue, to tell whether the queues are reachable at all.
     *
     * @throws dev.docpipe.job.DocpipeException ({@code STORE_UNAVAILABLE}) when they are not
     */
    void probe();

    /**
     * The load of one queue.
     *
     * @param stage      {@code ingest}, {@code parse}, {@code render} or {@code store}
     * @param priority   the queue's priority; null for the ingest queue and for dead-letter queues
     * @param deadLetter whether this is the stage's dead-letter queue
     * @param visible    messages ready to be received
     * @param inFlight   messages received and not yet deleted
     * @param delayed    messages sent with a delay that has not passed
     * @param oldestAge  age of the oldest message, or null when the queue service does not report it
     */
    record QueueLoad(String stage, Priority priority, boolean deadLetter, long visible, long inFlight, long delayed,
                     Duration oldestAge) {
        public QueueLoad {
            Objects.requireNonNull(stage, "stage");
        }
    }
}
