package dev.docpipe.port;

import java.time.Duration;

/** The stage queues: one per stage and priority ({@code parse-high}, …). */
public interface StageQueues {

    /** Sends {@code message} to the queue of its stage and priority. */
    void send(StageMessage message);

    /** Sends with a delivery delay (at most 15 minutes, as SQS allows). */
    void send(StageMessage message, Duration delay);
}
