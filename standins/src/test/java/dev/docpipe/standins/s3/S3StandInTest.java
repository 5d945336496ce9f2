package dev.docpipe.standins.s3;

import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The s3proxy stand-in: S3 event notifications for uploads under a prefix, and durability on disk. */
class S3StandInTest {
    private static final String UPLOADS = "uploads";
    private static final String OTHER = "other-bucket";
    private static final int MIB = 1024 * 1024;

    private static S3StandIn s3;
    private static S3Client client;

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private AutoCloseable subscription;

    record Event(String bucket, String key, long size, String etag, String eventName) {
    }

    @BeforeAll
    static void start() {
        s3 = S3StandIn.builder().port(0).dataDirectory(null).credentials("test", "test").build().start();
        s3.createBucket(UPLOADS);
        s3.createBucket(OTHER);
        client = s3.newClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        s3.close();
    }

    @BeforeEach
    void listen() {
        subscription = s3.addUploadListener(UPLOADS, "uploads/",
                (bucket, key, size, etag, eventName) -> events.add(new Event(bucket, key, size, etag, eventName)));
    }

    @AfterEach
    void unlisten() throws Exception {
        subscription.close();
    }

    @Test
    void putUnderThePrefix_notifies_withSizeAndMd5Etag() {
        byte[] body = "<h1>hello</h1>".getBytes(StandardCharsets.UTF_8);

        client.putObject(b -> b.bucket(UPLOADS).key("uploads/a.html").contentType("text/html"), RequestBody.fromBytes(body));

        // at least once, like S3 itself: the SDK may retry a PUT whose answer it lost, and each write notifies
        assertThat(events).isNotEmpty().containsOnly(
                new Event(UPLOADS, "uploads/a.html", body.length, md5Hex(body), "ObjectCreated:Put"));
    }

    @Test
    void writesOutsideThePrefixOrBucket_doNotNotify() {
        client.putObject(b -> b.bucket(UPLOADS).key("results/a.pdf"), RequestBody.fromString("x"));
        client.putObject(b -> b.bucket(UPLOADS).key("uploadsx/a.html"), RequestBody.fromString("x"));
        client.putObject(b -> b.bucket(OTHER).key("uploads/a.html"), RequestBody.fromString("x"));
        client.createMultipartUpload(b -> b.bucket(UPLOADS).key("uploads/pending.bin"));

        assertThat(events).isEmpty();
    }

    @Test
    void multipartUpload_notifiesOnceOnCompletion_notOnCreateOrParts() {
        String key = "uploads/big.bin";
        byte[] part1 = filled(5 * MIB, (byte) 'a');
        byte[] part2 = filled(1024, (byte) 'b');
        String uploadId = client.createMultipartUpload(b -> b.bucket(UPLOADS).key(key)).uploadId();
        String etag1 = client.uploadPart(b -> b.bucket(UPLOADS).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromBytes(part1)).eTag();
        String etag2 = client.uploadPart(b -> b.bucket(UPLOADS).key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(part2)).eTag();
        assertThat(events).isEmpty();

        client.completeMultipartUpload(b -> b.bucket(UPLOADS).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(etag1).build(),
                        CompletedPart.builder().partNumber(2).eTag(etag2).build())));

        HeadObjectResponse head = client.headObject(b -> b.bucket(UPLOADS).key(key));
        assertThat(events).containsExactly(new Event(UPLOADS, key, part1.length + part2.length,
                head.eTag().replace("\"", ""), "ObjectCreated:CompleteMultipartUpload"));
        assertThat(events.getFirst().etag()).endsWith("-2");
    }

    @Test
    void copyIntoThePrefix_notifiesCopy() {
        client.putObject(b -> b.bucket(OTHER).key("staging/doc.md"), RequestBody.fromString("# title"));

        client.copyObject(b -> b.sourceBucket(OTHER).sourceKey("staging/doc.md")
                .destinationBucket(UPLOADS).destinationKey("uploads/doc.md"));

        assertThat(events).containsExactly(new Event(UPLOADS, "uploads/doc.md", 7,
                md5Hex("# title".getBytes(StandardCharsets.UTF_8)), "ObjectCreated:Copy"));
    }

    @Test
    void failingListener_doesNotFailTheUpload_andOtherListenersStillHear() throws Exception {
        try (AutoCloseable failing = s3.addUploadListener(UPLOADS, "", (b, k, s, e, n) -> {
            throw new IllegalStateException("queue down");
        })) {
            client.putObject(b -> b.bucket(UPLOADS).key("uploads/still-ok.txt"), RequestBody.fromString("ok"));
        }

        assertThat(client.getObjectAsBytes(b -> b.bucket(UPLOADS).key("uploads/still-ok.txt")).asUtf8String()).isEqualTo("ok");
        // at least once, like S3 itself: under load the SDK may retry the PUT, and each write notifies
        assertThat(events).isNotEmpty().extracting(Event::key).containsOnly("uploads/still-ok.txt");
    }

    @Test
    void bridge_sendsTheS3EventBody_thatTheLambdaSerializerReadsBack() {
        List<SendMessageRequest> sent = new CopyOnWriteArrayList<>();
        String key = "uploads/high/my report (v2) ü+文档.html";
        byte[] body = "<p>report</p>".getBytes(StandardCharsets.UTF_8);
        try (AutoCloseable ignored = s3.addUploadListener(UPLOADS, "uploads/",
                new S3ToSqsBridge(recording(sent), "http://sqs.local/000000000000/ingest", "eu-west-1"))) {
            client.putObject(b -> b.bucket(UPLOADS).key(key).contentType("text/html"), RequestBody.fromBytes(body));
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst().queueUrl()).isEqualTo("http://sqs.local/000000000000/ingest");
        String json = sent.getFirst().messageBody();
        assertThat(json).contains("\"key\":\"uploads/high/my+report+%28v2%29+%C3%BC%2B%E6%96%87%E6%A1%A3.html\"");

        S3EventNotification event = s3EventSerializer().fromJson(json);
        assertThat(event.getRecords()).hasSize(1);
        S3EventNotificationRecord record = event.getRecords().getFirst();
        assertThat(record.getEventName()).isEqualTo("ObjectCreated:Put");
        assertThat(record.getEventSource()).isEqualTo("aws:s3");
        assertThat(record.getEventVersion()).isEqualTo("2.1");
        assertThat(record.getAwsRegion()).isEqualTo("eu-west-1");
        assertThat(record.getEventTime().getMillis()).isCloseTo(System.currentTimeMillis(), Offset.offset(60_000L));
        assertThat(record.getS3().getBucket().getName()).isEqualTo(UPLOADS);
        assertThat(record.getS3().getBucket().getArn()).isEqualTo("arn:aws:s3:::uploads");
        assertThat(record.getS3().getObject().getUrlDecodedKey()).isEqualTo(key);
        assertThat(record.getS3().getObject().getSizeAsLong()).isEqualTo(body.length);
        assertThat(record.getS3().getObject().geteTag()).isEqualTo(md5Hex(body));
        assertThat(record.getS3().getObject().getSequencer()).matches("[0-9A-F]+");
    }

    @Test
    void bodiesOfOneJvm_haveGrowingSequencers() {
        String first = S3EventNotifications.nextSequencer();
        String second = S3EventNotifications.nextSequencer();

        assertThat(second).hasSameSizeAs(first).isGreaterThan(first);
    }

    @Test
    void testEvent_parsesToNoRecords() {
        assertThat(s3EventSerializer().fromJson(S3EventNotifications.TEST_EVENT_BODY).getRecords()).isNullOrEmpty();
        assertThat(s3EventSerializer().fromJson(S3EventNotifications.testEventBody(UPLOADS, Instant.now())).getRecords())
                .isNullOrEmpty();
        assertThat(S3EventNotifications.TEST_EVENT_BODY).contains("\"Event\":\"s3:TestEvent\"");
    }

    @Test
    void wrongSecret_isRejected() {
        try (S3Client intruder = S3Client.builder()
                .endpointOverride(s3.endpoint())
                .region(S3StandIn.REGION)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "wrong")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            assertThatThrownBy(() -> intruder.putObject(b -> b.bucket(UPLOADS).key("uploads/evil.html"),
                    RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
        assertThat(events).isEmpty();
    }

    @Test
    void preflightOfAPresignedPut_isAllowedForLoopbackPages_only() throws Exception {
        java.net.URI url = s3.newPresigner().presignPutObject(r -> r.signatureDuration(java.time.Duration.ofMinutes(5))
                .putObjectRequest(p -> p.bucket(UPLOADS).key("uploads/cors.html").contentType("text/html"))).url().toURI();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        java.net.http.HttpResponse<Void> local = http.send(preflight(url, "http://127.0.0.1:8080"),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        java.net.http.HttpResponse<Void> foreign = http.send(preflight(url, "https://attacker.example"),
                java.net.http.HttpResponse.BodyHandlers.discarding());

        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(local.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://127.0.0.1:8080");
        assertThat(local.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("PUT");
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private static java.net.http.HttpRequest preflight(java.net.URI url, String origin) {
        return java.net.http.HttpRequest.newBuilder(url).method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "content-type").build();
    }

    @Test
    void createBucket_isIdempotent() {
        s3.createBucket("twice");
        s3.createBucket("twice");

        assertThat(client.listBuckets().buckets()).extracting(b -> b.name()).contains("twice");
    }

    @Test
    void createBucket_rejectsNamesS3Rejects() {
        assertThatThrownBy(() -> s3.createBucket("b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s3.createBucket("Upper_Case")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataDirectory_keepsObjectsAcrossRestarts(@TempDir Path data) {
        byte[] body = "kept".getBytes(StandardCharsets.UTF_8);
        try (S3StandIn first = S3StandIn.builder().dataDirectory(data).build().start();
             S3Client c = first.newClient()) {
            first.createBucket("durable");
            c.putObject(b -> b.bucket("durable").key("dir/kept.txt").contentType("text/plain").metadata(Map.of("owner", "k1")),
                    RequestBody.fromBytes(body));
        }

        try (S3StandIn second = S3StandIn.builder().dataDirectory(data).build().start();
             S3Client c = second.newClient()) {
            second.createBucket("durable");
            var object = c.getObjectAsBytes(b -> b.bucket("durable").key("dir/kept.txt"));
            assertThat(object.asByteArray()).isEqualTo(body);
            assertThat(object.response().contentType()).isEqualTo("text/plain");
            assertThat(object.response().metadata()).containsEntry("owner", "k1");
            assertThat(object.response().eTag()).isEqualTo("\"" + md5Hex(body) + "\"");
        }
    }

    @Test
    void aWriteInterruptedByACrash_isNeverListed_andIsRemovedAtTheNextStart(@TempDir Path data) throws Exception {
        try (S3StandIn first = S3StandIn.builder().dataDirectory(data).build().start();
             S3Client c = first.newClient()) {
            first.createBucket("durable");
            c.putObject(b -> b.bucket("durable").key("pdf/done.pdf"), RequestBody.fromString("%PDF complete"));
        }
        // what s3proxy leaves when the process dies while it writes pdf/job.pdf: its temporary file
        Path partial = data.resolve("durable/pdf/job.pdf-" + UUID.randomUUID());
        Files.write(partial, new byte[0]);
        Path listedWhileRunning = data.resolve("durable/pdf/other.pdf-" + UUID.randomUUID());

        try (S3StandIn second = S3StandIn.builder().dataDirectory(data).build().start();
             S3Client c = second.newClient()) {
            assertThat(Files.exists(partial)).as("removed at start").isFalse();
            Files.write(listedWhileRunning, "half".getBytes(StandardCharsets.UTF_8)); // a write in progress
            assertThat(c.listObjectsV2(b -> b.bucket("durable").prefix("pdf/")).contents())
                    .extracting(S3Object::key).containsExactly("pdf/done.pdf");
        }
    }

    @Test
    void restartOfTheSameInstance_keepsItsPort() {
        S3StandIn own = S3StandIn.builder().build().start();
        try {
            int port = own.port();
            own.close();
            own.start();
            assertThat(own.port()).isEqualTo(port);
            own.createBucket("again");
        } finally {
            own.close();
        }
    }

    private static PojoSerializer<S3EventNotification> s3EventSerializer() {
        return LambdaEventSerializers.serializerFor(S3EventNotification.class, S3StandInTest.class.getClassLoader());
    }

    private static SqsClient recording(List<SendMessageRequest> sent) {
        return new SqsClient() {
            @Override
            public SendMessageResponse sendMessage(SendMessageRequest request) {
                sent.add(request);
                return SendMessageResponse.builder().messageId("m-" + sent.size()).build();
            }

            @Override
            public String serviceName() {
                return "sqs";
            }

            @Override
            public void close() {
            }
        };
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static String md5Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
