package dev.docpipe.adapter.sqs;

import dev.docpipe.adapter.Lazy;
import dev.docpipe.config.QueueNames;
import dev.docpipe.port.WebhookQueue;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link WebhookQueue} on SQS: queue {@code <prefix>webhook}, its URL looked up on first use. SDK
 * failures become {@code store_unavailable} like {@link SqsStageQueues}'.
 */
public final class SqsWebhookQueue implements WebhookQueue {
    private final Supplier<SqsClient> sqs;
    private final String name;
    private volatile String url;

    public SqsWebhookQueue(SqsClient sqs, QueueNames names) {
        this(Lazy.built(Objects.requireNonNull(sqs, "sqs")), names);
    }

    private SqsWebhookQueue(Supplier<SqsClient> sqs, QueueNames names) {
        this.sqs = sqs;
        this.name = names.webhook();
    }

    /** The JVM's one SQS client and the prefix from {@value SqsStageQueues#PREFIX_VARIABLE}. */
    public static SqsWebhookQueue fromEnvironment() {
        String prefix = System.getenv(SqsStageQueues.PREFIX_VARIABLE);
        return new SqsWebhookQueue(SqsStageQueues.CLIENT,
                new QueueNames(prefix == null || prefix.isBlank() ? QueueNames.DEFAULT_PREFIX : prefix.trim()));
    }

    @Override
    public void send(String body, Duration delay) {
        int seconds = SqsStageQueues.delaySeconds(delay == null ? Duration.ZERO : delay);
        try {
            if (url == null) {
                url = sqs.get().getQueueUrl(r -> r.queueName(name)).queueUrl();
            }
            sqs.get().sendMessage(SendMessageRequest.builder().queueUrl(url).messageBody(body).delaySeconds(seconds).build());
        } catch (SdkException e) {
            url = null;
            throw SqsStageQueues.unavailable(e);
        }
    }
}
