package dev.docpipe.webhook;

import dev.docpipe.job.Job;
import dev.docpipe.port.Webhooks;
import dev.docpipe.port.WebhookQueue;

import java.time.Duration;

/** {@link Webhooks} on the bucket (callback URLs, {@link WebhookRecords}) and the webhook queue (outcome events). */
public final class WebhookOutbox implements Webhooks {
    private final WebhookRecords records;
    private final WebhookQueue queue;

    public WebhookOutbox(WebhookRecords records, WebhookQueue queue) {
        this.records = records;
        this.queue = queue;
    }

    @Override
    public void subscribe(Job job, String callbackUrl) {
        records.putCallback(job.id(), callbackUrl);
    }

    @Override
    public void finished(Job job) {
        queue.send(WebhookMessage.first(WebhookEvent.of(job)).toJson(), Duration.ZERO);
    }
}
