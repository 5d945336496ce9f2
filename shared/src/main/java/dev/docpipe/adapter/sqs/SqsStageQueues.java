package dev.docpipe.adapter.sqs;

import dev.docpipe.adapter.json.StageMessageJson;
import dev.docpipe.config.QueueNames;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link StageQueues} on SQS: a message goes to {@code <prefix><stage>-<priority>} (see
 * {@link QueueNames}). The body is {@link StageMessageJson}; the message attributes {@code jobId},
 * {@code stage}, {@code priority} and {@code traceId} (all {@code String}; {@code traceId} only when
 * there is one, SQS refuses empty values) let consumers and operators route or filter without
 * parsing the body.
 *
 * <p>Queue URLs are resolved with {@code GetQueueUrl} on first use and cached for the life of the
 * instance (a failed look-up is not cached). Every SDK failure, a missing queue included, becomes a
 * {@link DocpipeException} with {@link ErrorCode#STORE_UNAVAILABLE}: a transient error to the
 * caller, no SDK type crosses the port.
 */
public final class SqsStageQueues implements StageQueues {
    /** SQS's limit for {@code DelaySeconds}. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(15);
    /** The environment variable naming the queue prefix; {@link QueueNames#DEFAULT_PREFIX} when unset. */
    public static final String PREFIX_VARIABLE = "DOCPIPE_QUEUE_PREFIX";

    private static final Logger LOG = LoggerFactory.getLogger(SqsStageQueues.class);

    private final SqsClient sqs;
    private final QueueNames names;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    public SqsStageQueues(SqsClient sqs, QueueNames names) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.names = Objects.requireNonNull(names, "names");
    }

    /**
     * Production wiring: the JVM's one SQS client (URL-connection HTTP; region, credentials and
     * {@code AWS_ENDPOINT_URL_SQS} from the SDK's standard environment) and the prefix from
     * {@value #PREFIX_VARIABLE}.
     */
    public static SqsStageQueues fromEnvironment() {
        String prefix = System.getenv(PREFIX_VARIABLE);
        return new SqsStageQueues(ClientHolder.CLIENT,
                new QueueNames(prefix == null || prefix.isBlank() ? QueueNames.DEFAULT_PREFIX : prefix.trim()));
    }

    @Override
    public void send(StageMessage message) {
        send(message, null);
    }

    /**
     * @throws IllegalArgumentException for a negative delay or one over {@link #MAX_DELAY}; a delay
     *         with a fraction of a second is rounded up (never delivered early)
     */
    @Override
    public void send(StageMessage message, Duration delay) {
        Objects.requireNonNull(message, "message");
        Integer delaySeconds = delay == null ? null : delaySeconds(delay);
        String queue = names.stage(message.stage(), message.priority());
        try {
            sqs.sendMessage(SendMessageRequest.builder()
                    .queueUrl(url(queue))
                    .messageBody(StageMessageJson.write(message))
                    .messageAttributes(attributes(message))
                    .delaySeconds(delaySeconds)
                    .build());
        } catch (SdkException e) {
            urls.remove(queue);
            throw unavailable(e);
        }
        LOG.debug("job {} sent to {} (attempt {}, delay {} s)", message.jobId(), queue, message.attempt(),
                delaySeconds == null ? 0 : delaySeconds);
    }

    /** The URL of queue {@code name}, looked up once. */
    String url(String name) {
        try {
            return urls.computeIfAbsent(name, n -> sqs.getQueueUrl(r -> r.queueName(n)).queueUrl());
        } catch (SdkException e) {
            throw unavailable(e);
        }
    }

    static int delaySeconds(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        if (delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be at most 15 minutes: " + delay);
        }
        long seconds = delay.toSeconds();
        return (int) (delay.toNanosPart() > 0 ? seconds + 1 : seconds);
    }

    private static Map<String, MessageAttributeValue> attributes(StageMessage message) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("jobId", string(message.jobId().value()));
        attributes.put("stage", string(message.stage().wire()));
        attributes.put("priority", string(message.priority().wire()));
        if (!message.traceId().isEmpty()) {
            attributes.put("traceId", string(message.traceId()));
        }
        return attributes;
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    static DocpipeException unavailable(Exception cause) {
        return new DocpipeException(ErrorCode.STORE_UNAVAILABLE, "queue unavailable", null, cause);
    }

    static final class ClientHolder {
        static final SqsClient CLIENT = SqsClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
