package dev.docpipe.adapter.sqs;

import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.config.QueueNames;
import dev.docpipe.config.QueueNames.QueuePair;
import dev.docpipe.job.Stage;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates docpipe's queues where nothing else does (tests, local mode; in AWS template.yaml owns
 * them), and reads their depth for the stats API.
 */
public final class SqsQueueSetup {
    private static final List<QueueAttributeName> DEPTH_ATTRIBUTES = List.of(
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

    private SqsQueueSetup() {
    }

    /**
     * Creates every dead-letter queue and every work queue of {@code names.all()}; each queue's
     * visibility timeout is derived from its consumer's timeout ({@link FunctionTimeouts}: the stage
     * function's for a stage queue, the ingest function's for ingest, the dead-letter function's for a
     * dead-letter queue), and each work queue gets a redrive policy to its dead-letter queue after
     * {@code maxReceiveCount} receives. Idempotent: an existing queue is kept (with its messages) and
     * its attributes are set to these values.
     *
     * @return queue name → URL, dead-letter queues first, in creation order
     * @throws dev.docpipe.job.DocpipeException ({@code STORE_UNAVAILABLE}) when SQS fails
     */
    public static Map<String, String> createAll(SqsClient sqs, QueueNames names, int maxReceiveCount,
                                                FunctionTimeouts timeouts) {
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(timeouts, "timeouts");
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw new IllegalArgumentException("maxReceiveCount must be 1..1000: " + maxReceiveCount);
        }
        Map<String, Duration> visibility = new LinkedHashMap<>();
        visibility.put(names.ingest(), timeouts.ingestVisibility());
        for (Stage stage : Stage.values()) {
            names.byPriority(stage).forEach(q -> visibility.put(q, timeouts.visibility(stage)));
        }
        try {
            Map<String, String> urls = new LinkedHashMap<>();
            Map<String, String> arns = new LinkedHashMap<>();
            String deadLetterVisibility = seconds(timeouts.deadLetterVisibility());
            for (QueuePair pair : names.all()) {
                if (!urls.containsKey(pair.deadLetter())) {
                    String url = ensure(sqs, pair.deadLetter(),
                            Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, deadLetterVisibility));
                    urls.put(pair.deadLetter(), url);
                    arns.put(pair.deadLetter(), arn(sqs, url));
                }
            }
            for (QueuePair pair : names.all()) {
                String redrive = "{\"deadLetterTargetArn\":\"" + arns.get(pair.deadLetter())
                        + "\",\"maxReceiveCount\":" + maxReceiveCount + "}";
                urls.put(pair.queue(), ensure(sqs, pair.queue(), Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, seconds(visibility.get(pair.queue())),
                        QueueAttributeName.REDRIVE_POLICY, redrive)));
            }
            return urls;
        } catch (SdkException e) {
            throw SqsStageQueues.unavailable(e);
        }
    }

    /**
     * Creates the webhook queue and its dead-letter queue (which nothing consumes: a message there is one
     * docpipe itself failed to handle {@code maxReceiveCount} times, kept for an operator's redrive).
     *
     * @return the webhook queue's URL
     */
    public static String createWebhookQueue(SqsClient sqs, QueueNames names, int maxReceiveCount, Duration visibility) {
        try {
            // an attribute to set either way: setQueueAttributes on the existing queue (a restart) refuses an empty map
            String dlq = ensure(sqs, names.webhookDeadLetter(),
                    Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, seconds(visibility)));
            String redrive = "{\"deadLetterTargetArn\":\"" + arn(sqs, dlq) + "\",\"maxReceiveCount\":" + maxReceiveCount + "}";
            return ensure(sqs, names.webhook(), Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, seconds(visibility),
                    QueueAttributeName.REDRIVE_POLICY, redrive));
        } catch (SdkException e) {
            throw SqsStageQueues.unavailable(e);
        }
    }

    private static String seconds(Duration d) {
        return Long.toString(d.toSeconds());
    }

    /**
     * Approximate depth of queue {@code queueName}; {@link QueueDepth#oldestAge()} is always empty
     * (see there).
     *
     * @throws dev.docpipe.job.DocpipeException ({@code STORE_UNAVAILABLE}) when SQS fails or the queue does not exist
     */
    public static QueueDepth depth(SqsClient sqs, String queueName) {
        try {
            String url = sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(DEPTH_ATTRIBUTES))
                    .attributes();
            return new QueueDepth(queueName,
                    count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                    count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                    count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED),
                    Optional.empty());
        } catch (SdkException e) {
            throw SqsStageQueues.unavailable(e);
        }
    }

    private static String ensure(SqsClient sqs, String name, Map<QueueAttributeName, String> attributes) {
        String url;
        try {
            url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
        } catch (QueueDoesNotExistException missing) {
            return sqs.createQueue(r -> r.queueName(name).attributes(attributes)).queueUrl();
        }
        sqs.setQueueAttributes(r -> r.queueUrl(url).attributes(new EnumMap<>(attributes)));
        return url;
    }

    private static String arn(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        String value = attributes.get(name);
        return value == null || value.isBlank() ? 0 : Long.parseLong(value.trim());
    }
}
