package dev.docpipe.adapter.sqs;

import dev.docpipe.adapter.json.StageMessageJson;
import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.config.QueueNames;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;
import dev.docpipe.port.StageMessage;
import dev.docpipe.standins.sqs.SqsStandIn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SqsStageQueues} and {@link SqsQueueSetup} against the SQS stand-in (ElasticMQ). */
class SqsStageQueuesIT {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static SqsClient sqs;

    @BeforeAll
    static void connect() {
        sqs = SqsStandIn.shared().client();
    }

    @Test
    void createAll_makesEveryWorkQueueWithARedrivePolicyToItsStagesDeadLetterQueue() {
        QueueNames names = freshNames();

        Map<String, String> urls = SqsQueueSetup.createAll(sqs, names, 3, FunctionTimeouts.uniform(Duration.ofSeconds(7)));

        List<String> expected = List.of("ingest-dlq", "parse-dlq", "render-dlq", "store-dlq", "ingest",
                "parse-high", "parse-default", "parse-low", "render-high", "render-default", "render-low",
                "store-high", "store-default", "store-low");
        assertThat(urls.keySet()).containsExactlyElementsOf(expected.stream().map(n -> names.prefix() + n).toList());
        assertThat(sqs.listQueues(r -> r.queueNamePrefix(names.prefix())).queueUrls())
                .containsExactlyInAnyOrderElementsOf(urls.values());
        for (QueueNames.QueuePair pair : names.all()) {
            Map<QueueAttributeName, String> a = attributes(urls.get(pair.queue()));
            assertThat(a.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("42"); // 6 × 7 s
            assertThat(a.get(QueueAttributeName.REDRIVE_POLICY))
                    .contains("\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:" + pair.deadLetter() + "\"")
                    .containsPattern("\"maxReceiveCount\":\"?3\"?");
            assertThat(attributes(urls.get(pair.deadLetter()))).doesNotContainKey(QueueAttributeName.REDRIVE_POLICY);
        }
    }

    @Test
    void createAll_derivesEachQueuesVisibilityFromItsConsumersTimeout() {
        QueueNames names = freshNames();

        Map<String, String> urls = SqsQueueSetup.createAll(sqs, names, 3, FunctionTimeouts.DEPLOYED);

        assertThat(visibility(urls, names.ingest())).isEqualTo("360");
        assertThat(visibility(urls, names.stage(Stage.PARSE, Priority.LOW))).isEqualTo("720");
        for (Priority p : Priority.values()) {
            assertThat(visibility(urls, names.stage(Stage.RENDER, p))).isEqualTo("1080");
        }
        assertThat(visibility(urls, names.stage(Stage.STORE, Priority.HIGH))).isEqualTo("360");
        assertThat(visibility(urls, names.deadLetter(Stage.RENDER))).isEqualTo("360");
    }

    private static String visibility(Map<String, String> urls, String queue) {
        return attributes(urls.get(queue)).get(QueueAttributeName.VISIBILITY_TIMEOUT);
    }

    @Test
    void createWebhookQueue_isIdempotent_withARedrivePolicyToItsDeadLetterQueue_andKeepsMessages() {
        QueueNames names = freshNames();
        String first = SqsQueueSetup.createWebhookQueue(sqs, names, 5, Duration.ofSeconds(360));
        new SqsWebhookQueue(sqs, names).send("{}", Duration.ZERO);

        // a restart on the same data: both queues exist already
        String second = SqsQueueSetup.createWebhookQueue(sqs, names, 5, Duration.ofSeconds(360));

        assertThat(second).isEqualTo(first);
        assertThat(attributes(second).get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("360");
        assertThat(attributes(second).get(QueueAttributeName.REDRIVE_POLICY)).contains(names.webhookDeadLetter());
        assertThat(SqsQueueSetup.depth(sqs, names.webhook()).visible()).isEqualTo(1);
    }

    @Test
    void createAll_isIdempotentAndKeepsMessages() {
        QueueNames names = freshNames();
        Map<String, String> first = SqsQueueSetup.createAll(sqs, names, 3, FunctionTimeouts.uniform(Duration.ofSeconds(5)));
        SqsStageQueues queues = new SqsStageQueues(sqs, names);
        queues.send(message(Stage.PARSE, Priority.HIGH, "t"));

        Map<String, String> second = SqsQueueSetup.createAll(sqs, names, 5, FunctionTimeouts.uniform(Duration.ofSeconds(10)));

        assertThat(second).isEqualTo(first);
        assertThat(sqs.listQueues(r -> r.queueNamePrefix(names.prefix())).queueUrls()).hasSize(14);
        String parseHigh = second.get(names.stage(Stage.PARSE, Priority.HIGH));
        assertThat(attributes(parseHigh).get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("60");
        assertThat(attributes(parseHigh).get(QueueAttributeName.REDRIVE_POLICY)).containsPattern("\"maxReceiveCount\":\"?5\"?");
        assertThat(SqsQueueSetup.depth(sqs, names.stage(Stage.PARSE, Priority.HIGH)).visible()).isEqualTo(1);
    }

    @Test
    void send_routesByStageAndPriority() {
        QueueNames names = freshNames();
        Map<String, String> urls = SqsQueueSetup.createAll(sqs, names, 3, FunctionTimeouts.uniform(Duration.ofSeconds(5)));
        SqsStageQueues queues = new SqsStageQueues(sqs, names);

        for (Stage stage : Stage.values()) {
            for (Priority priority : Priority.values()) {
                StageMessage sent = message(stage, priority, "trace-" + stage.wire() + "-" + priority.wire());
                queues.send(sent);

                List<Message> received = receive(urls.get(names.stage(stage, priority)), 0);
                assertThat(received).hasSize(1);
                Message m = received.get(0);
                assertThat(StageMessageJson.read(m.body())).isEqualTo(sent);
                assertThat(m.messageAttributes()).containsOnlyKeys("jobId", "stage", "priority", "traceId");
                assertThat(m.messageAttributes().get("jobId")).isEqualTo(string(sent.jobId().value()));
                assertThat(m.messageAttributes().get("stage")).isEqualTo(string(stage.wire()));
                assertThat(m.messageAttributes().get("priority")).isEqualTo(string(priority.wire()));
                assertThat(m.messageAttributes().get("traceId")).isEqualTo(string(sent.traceId()));
            }
        }
        for (String url : urls.values()) {
            assertThat(receive(url, 0)).as("nothing else in %s", url).isEmpty();
        }
    }

    @Test
    void send_withoutTraceId_omitsTheAttribute() {
        QueueNames names = freshNames();
        Map<String, String> urls = SqsQueueSetup.createAll(sqs, names, 3, FunctionTimeouts.uniform(Duration.ofSeconds(5)));

        new SqsStageQueues(sqs, names).send(message(Stage.RENDER, Priority.LOW, null));

        Message m = receive(urls.get(names.stage(Stage.RENDER, Priority.LOW)), 0).get(0);
        assertThat(m.messageAttributes()).containsOnlyKeys("jobId", "stage", "priority");
        assertThat(StageMessageJson.read(m.body()).traceId()).isEmpty();
    }

    @Test
    void send_carriesTheOwnerAsMessageGroupId_soTheQueueDeliversFairly() {
        QueueNames names = freshNames();
        List<SendMessageRequest> sent = new CopyOnWriteArrayList<>();
        try (SqsClient recording = recordingClient(sent)) {
            Map<String, String> urls = SqsQueueSetup.createAll(recording, names, 3, FunctionTimeouts.uniform(Duration.ofSeconds(30)));
            SqsStageQueues queues = new SqsStageQueues(recording, names);
            for (int i = 0; i < 30; i++) {
                queues.send(owned(Stage.PARSE, "tenant-a"));
            }
            StageMessage quiet = owned(Stage.PARSE, "tenant-b");
            queues.send(quiet);
            queues.send(owned(Stage.PARSE, "tenant a\u00e9")); // not a valid group id as it is

            assertThat(sent).extracting(SendMessageRequest::messageGroupId).startsWith("tenant-a")
                    .contains("tenant-b", "sha256-" + sha256Hex("tenant a\u00e9"));
            assertThat(sent.subList(0, 30)).extracting(SendMessageRequest::messageGroupId).containsOnly("tenant-a");
            // the queue (the stand-in's fair queue) serves tenant-b's message before tenant-a's backlog
            String url = urls.get(names.stage(Stage.PARSE, Priority.DEFAULT));
            List<Message> first = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(3)).messages();
            assertThat(first).extracting(m -> StageMessageJson.read(m.body()).owner())
                    .containsExactly("tenant-a", "tenant-b", "tenant a\u00e9");
            assertThat(StageMessageJson.read(first.get(1).body())).isEqualTo(quiet);
        }
    }

    @Test
    void send_withGroupingNone_sendsNoGroupId() {
        QueueNames names = freshNames();
        List<SendMessageRequest> sent = new CopyOnWriteArrayList<>();
        try (SqsClient recording = recordingClient(sent)) {
            SqsQueueSetup.createAll(recording, names, 3, FunctionTimeouts.uniform(Duration.ofSeconds(30)));
            new SqsStageQueues(recording, names, SqsStageQueues.groupByOwner("none")).send(owned(Stage.RENDER, "tenant-a"));
            new SqsStageQueues(recording, names).send(message(Stage.RENDER, Priority.DEFAULT, "no owner"));

            assertThat(sent).hasSize(2).extracting(SendMessageRequest::messageGroupId).containsOnlyNulls();
        }
        assertThat(SqsStageQueues.groupByOwner(null)).isTrue();
        assertThat(SqsStageQueues.groupByOwner(" owner ")).isTrue();
        assertThatThrownBy(() -> SqsStageQueues.groupByOwner("tenant"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DOCPIPE_QUEUE_GROUPING");
    }

    /** A client of the stand-in that records every SendMessage request it puts on the wire. */
    private static SqsClient recordingClient(List<SendMessageRequest> sent) {
        return SqsClient.builder()
                .endpointOverride(SqsStandIn.shared().endpoint())
                .region(Region.of(SqsStandIn.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        if (context.request() instanceof SendMessageRequest r) {
                            sent.add(r);
                        }
                    }
                }))
                .build();
    }

    private static StageMessage owned(Stage stage, String owner) {
        return new StageMessage(JobId.newId(Instant.now()), stage, Priority.DEFAULT, 1, "t", owner);
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void delayedSend_isNotVisibleBeforeTheDelay() {
        QueueNames names = freshNames();
        Map<String, String> urls = SqsQueueSetup.createAll(sqs, names, 3, FunctionTimeouts.uniform(Duration.ofSeconds(5)));
        String url = urls.get(names.stage(Stage.STORE, Priority.DEFAULT));
        StageMessage sent = message(Stage.STORE, Priority.DEFAULT, "t");

        long before = System.nanoTime();
        new SqsStageQueues(sqs, names).send(sent, Duration.ofSeconds(2));

        assertThat(receive(url, 0)).isEmpty();
        QueueDepth depth = SqsQueueSetup.depth(sqs, names.stage(Stage.STORE, Priority.DEFAULT));
        assertThat(depth.delayed()).isEqualTo(1);
        assertThat(depth.visible()).isZero();
        assertThat(depth.oldestAge()).isEmpty();
        List<Message> later = receive(url, 5);
        assertThat(later).extracting(m -> StageMessageJson.read(m.body())).containsExactly(sent);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void depth_countsVisibleAndInFlightMessages() {
        QueueNames names = freshNames();
        Map<String, String> urls = SqsQueueSetup.createAll(sqs, names, 3, FunctionTimeouts.uniform(Duration.ofSeconds(5)));
        SqsStageQueues queues = new SqsStageQueues(sqs, names);
        queues.send(message(Stage.PARSE, Priority.LOW, "a"));
        queues.send(message(Stage.PARSE, Priority.LOW, "b"));
        sqs.receiveMessage(r -> r.queueUrl(urls.get(names.stage(Stage.PARSE, Priority.LOW))).maxNumberOfMessages(1));

        QueueDepth depth = SqsQueueSetup.depth(sqs, names.stage(Stage.PARSE, Priority.LOW));

        assertThat(depth).isEqualTo(new QueueDepth(names.stage(Stage.PARSE, Priority.LOW), 1, 1, 0, java.util.Optional.empty()));
        assertThat(depth.total()).isEqualTo(2);
    }

    @Test
    void aMissingQueue_isStoreUnavailable_withoutSdkTypesInTheSignature() {
        SqsStageQueues queues = new SqsStageQueues(sqs, freshNames());

        assertThatThrownBy(() -> queues.send(message(Stage.PARSE, Priority.HIGH, "t")))
                .isInstanceOfSatisfying(DocpipeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(e.getMessage()).isEqualTo("queue unavailable");
                    assertThat(e.getCause()).isInstanceOf(SdkException.class);
                });
    }

    @Test
    void anUnreachableServer_isStoreUnavailable() {
        try (SqsClient nowhere = SqsStandIn.newClient(URI.create("http://127.0.0.1:1"))) {
            SqsStageQueues queues = new SqsStageQueues(nowhere, freshNames());

            assertThatThrownBy(() -> queues.send(message(Stage.RENDER, Priority.DEFAULT, "t")))
                    .isInstanceOf(DocpipeException.class)
                    .extracting(e -> ((DocpipeException) e).code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
            assertThatThrownBy(() -> SqsQueueSetup.depth(nowhere, "any"))
                    .isInstanceOf(DocpipeException.class);
        }
    }

    @Test
    void delays_areRoundedUpAndCappedAtFifteenMinutes() {
        SqsStageQueues queues = new SqsStageQueues(sqs, freshNames());
        StageMessage m = message(Stage.PARSE, Priority.HIGH, "t");

        assertThat(SqsStageQueues.delaySeconds(Duration.ofMillis(1500))).isEqualTo(2);
        assertThat(SqsStageQueues.delaySeconds(Duration.ofMinutes(15))).isEqualTo(900);
        assertThatThrownBy(() -> queues.send(m, Duration.ofMinutes(15).plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queues.send(m, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static QueueNames freshNames() {
        return new QueueNames("it" + PREFIXES.incrementAndGet() + "-" + System.nanoTime() % 100_000 + "-");
    }

    private static StageMessage message(Stage stage, Priority priority, String traceId) {
        return new StageMessage(JobId.newId(Instant.now()), stage, priority, 1, traceId);
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    private static List<Message> receive(String url, int waitSeconds) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)
                .messageAttributeNames("All")).messages();
    }

    private static Map<QueueAttributeName, String> attributes(String url) {
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes();
    }
}
