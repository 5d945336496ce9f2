package dev.docpipe.port;

import java.time.Duration;

/** The webhook delivery queue: messages are {@code WebhookMessage} JSON. */
public interface WebhookQueue {

    /** Sends {@code body} with a delivery delay of at most 15 minutes (SQS's limit); zero for none. */
    void send(String body, Duration delay);
}
