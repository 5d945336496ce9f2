package dev.docpipe.adapter.sqs;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Approximate counts of one queue, as SQS reports them (eventually consistent, never exact).
 *
 * @param visible    {@code ApproximateNumberOfMessages}: ready to be received
 * @param inFlight   {@code ApproximateNumberOfMessagesNotVisible}: received, not yet deleted
 * @param delayed    {@code ApproximateNumberOfMessagesDelayed}: sent with a delay that has not passed
 * @param oldestAge  age of the oldest message. SQS has no such queue attribute (it is the CloudWatch
 *                   metric {@code ApproximateAgeOfOldestMessage}) and ElasticMQ has neither, so
 *                   {@link SqsQueueSetup#depth} leaves it empty; a CloudWatch reader may fill it
 */
public record QueueDepth(String queue, long visible, long inFlight, long delayed, Optional<Duration> oldestAge) {
    public QueueDepth {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(oldestAge, "oldestAge");
    }

    /** Messages not yet deleted: visible, in flight or delayed. */
    public long total() {
        return visible + inFlight + delayed;
    }
}
