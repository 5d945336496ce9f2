package dev.docpipe.standins.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JSON that Amazon S3 sends to an SQS queue for an object-created event (event structure
 * version 2.1), so that a stand-in upload reaches the ingest stage exactly as a real one would.
 *
 * <pre>{@code
 * {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
 *   "eventTime":"2026-03-01T12:00:00.123Z","eventName":"ObjectCreated:Put",
 *   "userIdentity":{"principalId":"AWS:DOCPIPESTANDIN"},
 *   "requestParameters":{"sourceIPAddress":"127.0.0.1"},
 *   "responseElements":{"x-amz-request-id":"…","x-amz-id-2":"…"},
 *   "s3":{"s3SchemaVersion":"1.0","configurationId":"docpipe-uploads",
 *     "bucket":{"name":"uploads","ownerIdentity":{"principalId":"DOCPIPESTANDIN"},"arn":"arn:aws:s3:::uploads"},
 *     "object":{"key":"uploads/my+report.html","size":1024,"eTag":"0f343b0931126a20f133d67c2b018a3b",
 *               "sequencer":"0018A1B2C3D4E5F600"}}}]}
 * }</pre>
 *
 * The key is URL-encoded the way S3 does it (form encoding: a space becomes {@code +}, a {@code +}
 * becomes {@code %2B}, {@code /} stays): consumers must decode it
 * ({@code S3ObjectEntity.getUrlDecodedKey()}).
 */
public final class S3EventNotifications {
    public static final String OBJECT_CREATED_PUT = "ObjectCreated:Put";
    public static final String OBJECT_CREATED_POST = "ObjectCreated:Post";
    public static final String OBJECT_CREATED_COPY = "ObjectCreated:Copy";
    public static final String OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD = "ObjectCreated:CompleteMultipartUpload";

    /** The configuration id used when none is given: the notification configuration's name in S3. */
    public static final String DEFAULT_CONFIGURATION_ID = "docpipe-uploads";

    /**
     * What S3 sends to a queue once, when a notification configuration is created or changed
     * (before any real event). It has no {@code Records}: the Lambda serializer reads it as an
     * {@code S3EventNotification} with zero records, and the ingest stage must acknowledge it and
     * do nothing. Shape as documented by AWS ("Event message structure", test message).
     */
    public static final String TEST_EVENT_BODY = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\","
            + "\"Time\":\"2026-01-01T00:00:00.000Z\",\"Bucket\":\"docpipe-uploads\","
            + "\"RequestId\":\"5582815E1AEA5ADF\","
            + "\"HostId\":\"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE\"}";

    private static final String STAND_IN_PRINCIPAL = "DOCPIPESTANDIN";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final AtomicLong LAST_SEQUENCER = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();

    private S3EventNotifications() {
    }

    /** One object-created event, as S3 would report it. */
    public record ObjectCreated(String region, String configurationId, String bucket, String key, long size,
                                String etag, String eventName, Instant eventTime, String sequencer) {
        public ObjectCreated {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(configurationId, "configurationId");
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(eventName, "eventName");
            Objects.requireNonNull(eventTime, "eventTime");
            Objects.requireNonNull(sequencer, "sequencer");
        }

        /** Now, with the default configuration id and the next sequencer. */
        public static ObjectCreated now(String region, String bucket, String key, long size, String etag,
                                        String eventName) {
            return new ObjectCreated(region, DEFAULT_CONFIGURATION_ID, bucket, key, size, etag, eventName,
                    Instant.now(), nextSequencer());
        }
    }

    /** The SQS message body for an event happening now. */
    public static String toSqsBody(String region, String bucket, String key, long size, String etag,
                                   String eventName) {
        return toSqsBody(ObjectCreated.now(region, bucket, key, size, etag, eventName));
    }

    /** The SQS message body S3 would send for this event (one record). */
    public static String toSqsBody(ObjectCreated event) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode record = root.putArray("Records").addObject();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", event.region());
        record.put("eventTime", EVENT_TIME.format(event.eventTime()));
        record.put("eventName", event.eventName());
        record.putObject("userIdentity").put("principalId", "AWS:" + STAND_IN_PRINCIPAL);
        record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
        ObjectNode response = record.putObject("responseElements");
        response.put("x-amz-request-id", HexFormat.of().withUpperCase().formatHex(randomBytes(8)));
        response.put("x-amz-id-2", Base64.getEncoder().encodeToString(randomBytes(48)));
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", event.configurationId());
        ObjectNode bucket = s3.putObject("bucket");
        bucket.put("name", event.bucket());
        bucket.putObject("ownerIdentity").put("principalId", STAND_IN_PRINCIPAL);
        bucket.put("arn", "arn:aws:s3:::" + event.bucket());
        ObjectNode object = s3.putObject("object");
        object.put("key", encodeKey(event.key()));
        object.put("size", event.size());
        if (event.etag() != null) {
            object.put("eTag", event.etag());
        }
        object.put("sequencer", event.sequencer());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write an S3 event", e);
        }
    }

    /** The {@link #TEST_EVENT_BODY} shape for a given bucket and time. */
    public static String testEventBody(String bucket, Instant time) {
        ObjectNode root = JSON.createObjectNode();
        root.put("Service", "Amazon S3");
        root.put("Event", "s3:TestEvent");
        root.put("Time", EVENT_TIME.format(time));
        root.put("Bucket", bucket);
        root.put("RequestId", HexFormat.of().withUpperCase().formatHex(randomBytes(8)));
        root.put("HostId", Base64.getEncoder().encodeToString(randomBytes(48)));
        return root.toString();
    }

    /** S3's encoding of a key in an event: form URL encoding of UTF-8, with {@code /} left as is. */
    public static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    /**
     * A hex sequencer that grows with every event of this JVM, like S3's per-key sequencer (which
     * consumers compare to order events for the same key: pad the shorter one with leading zeros).
     */
    public static String nextSequencer() {
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        long value = LAST_SEQUENCER.updateAndGet(last -> Math.max(last + 1, now));
        return String.format("%018X", value);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
