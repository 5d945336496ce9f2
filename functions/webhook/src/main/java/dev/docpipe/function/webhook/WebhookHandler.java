package dev.docpipe.function.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.webhook.WebhookMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

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

    public WebhookHandler() {
        this(WebhookService.fromEnvironment());
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
