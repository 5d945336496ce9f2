package dev.docpipe.function.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.job.JobId;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SnapStartPriming;
import dev.docpipe.port.Metrics;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.webhook.WebhookMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * SQS-triggered by the webhook queue: delivers each event ({@link WebhookService}). A receiver's failure
 * is not the handler's: it is recorded and retried by a delayed message, and the record acknowledged. Only
 * a failure of docpipe's own (S3, SQS) fails the record, which SQS redelivers and, after
 * {@code maxReceiveCount}, moves to the webhook dead-letter queue. A body that is not a webhook message
 * is logged and dropped.
 */
public final class WebhookHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
    /** The function's {@code Timeout} in template.yaml: a batch of 5 deliveries of at most 10 s each, with room. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final WebhookService service;

    /** Lambda: built from the environment; primed before a SnapStart snapshot ({@link #prime}). */
    public WebhookHandler() {
        this(WebhookService.fromEnvironment());
        SnapStartPriming.register("webhook", () -> prime(service.withMetrics(Metrics.none())));
    }

    /**
     * What the SnapStart hook runs: the first delivery of an event of a job that cannot exist, for an
     * owner no API key can have, through the whole handler: three reads of absent records (delivery,
     * the owner's key, the job's callback), then "no target". Sends nothing and writes nothing.
     */
    public static void prime(WebhookService quiet) {
        JobId nobody = JobId.newId(Instant.now());
        String body = "{\"id\":\"evt-priming\",\"type\":\"job.completed\",\"data\":{\"id\":\"" + nobody.value() + "\"}}";
        WebhookMessage message = new WebhookMessage("evt-priming-" + nobody.value(), "job.completed", nobody,
                "snapstart-priming", body, 1, null);
        new WebhookHandler(quiet).handleRequest(SnapStartPriming.sqsEvent(message.toJson()), null);
    }

    public WebhookHandler(WebhookService service) {
        this.service = service;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation ignored = Invocation.start("webhook", context, service.metrics())) {
            return SqsBatch.each(event, record -> {
                WebhookMessage message;
                try {
                    message = WebhookMessage.parse(record.getBody());
                } catch (IllegalArgumentException e) {
                    LOG.warn("message {} is not a webhook message: dropped", record.getMessageId());
                    return;
                }
                service.deliver(message);
            });
        }
    }
}
