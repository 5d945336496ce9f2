package dev.docpipe.adapter.sqs;

import dev.docpipe.adapter.AwsHttp;
import dev.docpipe.adapter.Lazy;
import dev.docpipe.adapter.json.StageMessageJson;
import dev.docpipe.config.QueueNames;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.port.StageMessage;
import dev.docpipe.port.StageQueues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@link StageQueues} on SQS: a message goes to {@code <prefix><stage>-<priority>} (see
 * {@link QueueNames}). The body is {@link StageMessageJson}; the message attributes {@code jobId},
 * {@code stage}, {@code priority} and {@code traceId} (all {@code String}; {@code traceId} only when
 * there is one, SQS refuses empty values) let consumers and operators route or filter without
 * parsing the body.
 *
 * <p>Fairness across tenants: every message carries its job's owner as {@code MessageGroupId}. On a
 * standard queue that makes it an SQS <em>fair queue</em> (docs/operations.md, "Fairness across
 * tenants"): when one owner has a disproportionate share of the messages in flight, SQS delivers the
 * other owners' messages first. {@value #GROUPING_VARIABLE}{@code =none} sends no group id (for an
 * SQS-compatible service that refuses one on standard queues); {@code owner} is the default. An owner
 * that is not a valid group id (1..128 printable ASCII characters) is sent as the hex SHA-256 of its
 * name, so every owner still gets a group of its own.
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
    /** The environment variable choosing the message group: {@code owner} (the default) or {@code none}. */
    public static final String GROUPING_VARIABLE = "DOCPIPE_QUEUE_GROUPING";

    private static final Pattern GROUP_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private static final Logger LOG = LoggerFactory.getLogger(SqsStageQueues.class);

    private final Supplier<SqsClient> sqs;
    private final QueueNames names;
    private final boolean groupByOwner;
    private final Map<String, String> urls = new ConcurrentHashMap<>();

    /** Messages grouped by owner. */
    public SqsStageQueues(SqsClient sqs, QueueNames names) {
        this(sqs, names, true);
    }

    /** @param groupByOwner whether each message carries its owner as {@code MessageGroupId} */
    public SqsStageQueues(SqsClient sqs, QueueNames names, boolean groupByOwner) {
        this(Lazy.built(Objects.requireNonNull(sqs, "sqs")), names, groupByOwner);
    }

    private SqsStageQueues(Supplier<SqsClient> sqs, QueueNames names, boolean groupByOwner) {
        this.sqs = sqs;
        this.names = Objects.requireNonNull(names, "names");
        this.groupByOwner = groupByOwner;
    }

    /**
     * Production wiring: the JVM's one SQS client (URL-connection HTTP; region, credentials and
     * {@code AWS_ENDPOINT_URL_SQS} from the SDK's standard environment), the prefix from
     * {@value #PREFIX_VARIABLE} and the grouping from {@value #GROUPING_VARIABLE}.
     *
     * @throws IllegalArgumentException for a grouping other than {@code owner} or {@code none}
     */
    public static SqsStageQueues fromEnvironment() {
        String prefix = System.getenv(PREFIX_VARIABLE);
        return new SqsStageQueues(CLIENT,
                new QueueNames(prefix == null || prefix.isBlank() ? QueueNames.DEFAULT_PREFIX : prefix.trim()),
                groupByOwner(System.getenv(GROUPING_VARIABLE)));
    }

    /**
     * {@value #GROUPING_VARIABLE}: unset, blank or {@code owner} is true, {@code none} false.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static boolean groupByOwner(String setting) {
        if (setting == null || setting.isBlank() || setting.trim().equals("owner")) {
            return true;
        }
        if (setting.trim().equals("none")) {
            return false;
        }
        throw new IllegalArgumentException(GROUPING_VARIABLE + " must be 'owner' or 'none', not '" + setting + "'");
    }

    /**
     * The {@code MessageGroupId} for {@code owner}: the owner itself when SQS accepts it (1..128
     * characters {@code !}..{@code ~}), otherwise {@code sha256-<hex>} of it; null for no owner.
     */
    static String groupId(String owner) {
        if (owner == null || owner.isEmpty()) {
            return null;
        }
        if (GROUP_ID.matcher(owner).matches()) {
            return owner;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(owner.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
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
            sqs.get().sendMessage(SendMessageRequest.builder()
                    .queueUrl(url(queue))
                    .messageBody(StageMessageJson.write(message))
                    .messageAttributes(attributes(message))
                    .delaySeconds(delaySeconds)
                    .messageGroupId(groupByOwner ? groupId(message.owner()) : null)
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
            return urls.computeIfAbsent(name, n -> sqs.get().getQueueUrl(r -> r.queueName(n)).queueUrl());
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

    /** The JVM's one SQS client from the environment, built on first use (a status request never sends). */
    static final Lazy<SqsClient> CLIENT = Lazy.of(() -> SqsClient.builder().httpClient(AwsHttp.client()).build());

    /** {@link #CLIENT} for the status function's queue depths. */
    public static Supplier<SqsClient> environmentClient() {
        return CLIENT;
    }
}
