package dev.docpipe.standins.s3;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Instant;
import java.util.Objects;

/**
 * Delivers stand-in uploads to an SQS queue as S3 event notifications: what an S3 bucket's
 * {@code QueueConfiguration} for {@code s3:ObjectCreated:*} does in AWS. Register it with
 * {@link S3StandIn#addUploadListener(String, String, UploadListener)} (or the builder) for the uploads bucket
 * and prefix.
 *
 * <p>Sending is synchronous, so when a client's PUT returns the event is already in the queue (real
 * S3 delivers it shortly after). If sending fails the upload still succeeds and the event is lost,
 * as in S3 when the queue is unreachable; the sweeper's scan for unregistered uploads covers that.
 */
public final class S3ToSqsBridge implements UploadListener {
    private static final Logger LOG = LoggerFactory.getLogger(S3ToSqsBridge.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final String region;
    private final String configurationId;

    public S3ToSqsBridge(SqsClient sqs, String queueUrl, String region) {
        this(sqs, queueUrl, region, S3EventNotifications.DEFAULT_CONFIGURATION_ID);
    }

    public S3ToSqsBridge(SqsClient sqs, String queueUrl, String region, String configurationId) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.region = Objects.requireNonNull(region, "region");
        this.configurationId = Objects.requireNonNull(configurationId, "configurationId");
    }

    @Override
    public void onObjectCreated(String bucket, String key, long size, String etag, String eventName) {
        String body = S3EventNotifications.toSqsBody(new S3EventNotifications.ObjectCreated(region, configurationId,
                bucket, key, size, etag, eventName, Instant.now(), S3EventNotifications.nextSequencer()));
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
        LOG.debug("sent {} of s3://{}/{} to {}", eventName, bucket, key, queueUrl);
    }

    /** Sends the {@code s3:TestEvent} message S3 sends when a notification configuration is set. */
    public void sendTestEvent(String bucket) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(S3EventNotifications.testEventBody(bucket, Instant.now())));
    }
}
