package dev.docpipe.standins.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.standins.sqs.SqsStandIn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SqsEventSourcePoller} against ElasticMQ: the event, partial batch failures, redrive, priority, stop. */
class SqsEventSourcePollerTest {
    private static final Duration VISIBILITY = Duration.ofSeconds(1);
    private static final AtomicInteger QUEUE_SEQUENCE = new AtomicInteger();

    private static SqsStandIn server;
    private static SqsClient sqs;
    private final List<SqsEventSourcePoller> pollers = new ArrayList<>();

    @BeforeAll
    static void startServer() {
        server = SqsStandIn.start();
        sqs = server.client();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void stopPollers() {
        pollers.forEach(p -> p.stop(Duration.ofSeconds(5)));
    }

    @Test
    void handlerReceivesTheEventLambdaBuilds() throws Exception {
        Queue q = queue("event", 5);
        String id = sqs.sendMessage(r -> r.queueUrl(q.url).messageBody("{\"hello\":1}").messageAttributes(Map.of(
                "jobId", MessageAttributeValue.builder().dataType("String").stringValue("job-1").build(),
                "attempt", MessageAttributeValue.builder().dataType("Number").stringValue("2").build(),
                "blob", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String("b")).build())))
                .messageId();
        Recorder recorder = new Recorder(m -> false);

        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(q.url)
                .functionName("parse").functionTimeout(Duration.ofSeconds(30)));
        await(() -> poller.stats().deleted() == 1);

        assertThat(recorder.events).hasSize(1);
        SQSEvent.SQSMessage m = recorder.events.get(0).getRecords().get(0);
        assertThat(m.getMessageId()).isEqualTo(id);
        assertThat(m.getReceiptHandle()).isNotBlank();
        assertThat(m.getBody()).isEqualTo("{\"hello\":1}");
        assertThat(m.getMd5OfBody()).isEqualTo(md5("{\"hello\":1}"));
        assertThat(m.getMd5OfMessageAttributes()).isNotBlank();
        assertThat(m.getEventSource()).isEqualTo("aws:sqs");
        assertThat(m.getEventSourceArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:" + q.name);
        assertThat(m.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(m.getAttributes()).containsEntry("ApproximateReceiveCount", "1")
                .containsKeys("SentTimestamp", "ApproximateFirstReceiveTimestamp", "SenderId");
        assertThat(Long.parseLong(m.getAttributes().get("SentTimestamp")))
                .isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
        SQSEvent.MessageAttribute jobId = m.getMessageAttributes().get("jobId");
        assertThat(jobId.getStringValue()).isEqualTo("job-1");
        assertThat(jobId.getDataType()).isEqualTo("String");
        assertThat(jobId.getStringListValues()).isEmpty();
        assertThat(jobId.getBinaryListValues()).isEmpty();
        assertThat(m.getMessageAttributes().get("attempt").getDataType()).isEqualTo("Number");
        assertThat(m.getMessageAttributes().get("attempt").getStringValue()).isEqualTo("2");
        assertThat(StandardCharsets.UTF_8.decode(m.getMessageAttributes().get("blob").getBinaryValue()).toString()).isEqualTo("b");

        Context context = recorder.contexts.get(0);
        assertThat(UUID.fromString(context.getAwsRequestId())).isNotNull();
        assertThat(context.getFunctionName()).isEqualTo("parse");
        assertThat(context.getInvokedFunctionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:parse");
        assertThat(context.getLogGroupName()).isEqualTo("/aws/lambda/parse");
        assertThat(recorder.remainingMillis.get(0)).isBetween(1, 30_000);

        // The same shape Lambda delivers on the wire (the runtime's own serializer, Lambda's key names).
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(SQSEvent.class, getClass().getClassLoader()).toJson(recorder.events.get(0), json);
        JsonNode record = new ObjectMapper().readTree(json.toByteArray()).get("Records").get(0);
        assertThat(iterable(record.fieldNames())).contains("messageId", "receiptHandle", "body", "attributes",
                "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN", "awsRegion");
        assertThat(record.get("eventSourceARN").asText()).isEqualTo(m.getEventSourceArn());

        assertThat(approximateCount(q.url)).isZero();
    }

    @Test
    void partialBatchFailure_onlyTheFailedMessageComesBack() {
        Queue q = queue("partial", 5);
        send(q.url, "a", "b", "c");
        AtomicInteger bFailures = new AtomicInteger();
        Recorder recorder = new Recorder(m -> m.getBody().equals("b") && bFailures.getAndIncrement() == 0);

        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(q.url)
                .visibilityTimeout(VISIBILITY));
        await(() -> poller.stats().deleted() == 3);
        pause(Duration.ofMillis(1500));

        assertThat(recorder.bodies()).containsExactlyInAnyOrder("a", "b", "c", "b");
        assertThat(recorder.receiveCounts("b")).containsExactly("1", "2");
        assertThat(recorder.receiveCounts("a")).containsExactly("1");
        assertThat(recorder.receiveCounts("c")).containsExactly("1");
        assertThat(poller.stats().failedMessages()).isEqualTo(1);
        assertThat(poller.stats().functionErrors()).isZero();
        assertThat(approximateCount(q.url)).isZero();
    }

    @Test
    void aMessageThatAlwaysFails_landsInTheDeadLetterQueueAfterMaxReceiveCount() {
        Queue q = queue("poison", 3);
        send(q.url, "ok", "poison");
        Recorder recorder = new Recorder(m -> m.getBody().equals("poison"));

        start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(q.url).visibilityTimeout(VISIBILITY));
        await(() -> approximateCount(q.dlqUrl) == 1);
        pause(Duration.ofMillis(1500));

        assertThat(recorder.receiveCounts("poison")).containsExactly("1", "2", "3");
        assertThat(recorder.receiveCounts("ok")).containsExactly("1");
        List<software.amazon.awssdk.services.sqs.model.Message> dead = sqs.receiveMessage(r -> r.queueUrl(q.dlqUrl)).messages();
        assertThat(dead).extracting(software.amazon.awssdk.services.sqs.model.Message::body).containsExactly("poison");
        assertThat(approximateCount(q.url)).isZero();
    }

    @Test
    void aThrowingHandler_getsTheWholeBatchAgain() {
        Queue q = queue("throws", 5);
        send(q.url, "a", "b", "c");
        AtomicInteger invocations = new AtomicInteger();
        Recorder recorder = new Recorder(m -> false) {
            @Override
            public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
                super.handleRequest(event, context);
                if (invocations.getAndIncrement() == 0) {
                    throw new IllegalStateException("boom");
                }
                return new SQSBatchResponse(List.of());
            }
        };

        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(q.url)
                .visibilityTimeout(VISIBILITY));
        await(() -> poller.stats().deleted() == 3);

        assertThat(recorder.events.get(0).getRecords()).extracting(SQSEvent.SQSMessage::getBody)
                .containsExactlyInAnyOrder("a", "b", "c");
        for (String body : List.of("a", "b", "c")) {
            assertThat(recorder.receiveCounts(body)).containsExactly("1", "2");
        }
        assertThat(poller.stats().functionErrors()).isEqualTo(1);
        assertThat(poller.stats().failedMessages()).isEqualTo(3);
    }

    @Test
    void anItemIdentifierNotInTheBatch_failsTheWholeBatch() {
        Queue q = queue("badid", 5);
        send(q.url, "a", "b");
        AtomicInteger invocations = new AtomicInteger();
        Recorder recorder = new Recorder(m -> false) {
            @Override
            public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
                super.handleRequest(event, context);
                return invocations.getAndIncrement() == 0
                        ? new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure("no-such-message")))
                        : null;
            }
        };

        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(q.url)
                .visibilityTimeout(VISIBILITY));
        await(() -> poller.stats().deleted() == 2);

        assertThat(recorder.receiveCounts("a")).containsExactly("1", "2");
        assertThat(recorder.receiveCounts("b")).containsExactly("1", "2");
    }

    @Test
    void anInvocationPastTheFunctionTimeout_isAFailure() {
        Queue q = queue("slow", 5);
        send(q.url, "slow");
        AtomicInteger invocations = new AtomicInteger();
        Recorder recorder = new Recorder(m -> false) {
            @Override
            public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
                super.handleRequest(event, context);
                if (invocations.getAndIncrement() == 0) {
                    pause(Duration.ofMillis(400));
                }
                return null;
            }
        };

        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(q.url)
                .visibilityTimeout(VISIBILITY).functionTimeout(Duration.ofMillis(200)));
        await(() -> poller.stats().deleted() == 1);

        assertThat(recorder.receiveCounts("slow")).containsExactly("1", "2");
        assertThat(poller.stats().timeouts()).isEqualTo(1);
    }

    @Test
    void retryBackoff_setsTheVisibilityOfFailedMessages() {
        Queue q = queue("backoff", 5);
        send(q.url, "x");
        AtomicInteger failures = new AtomicInteger();
        Recorder recorder = new Recorder(m -> failures.getAndIncrement() == 0);

        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(q.url)
                .visibilityTimeout(Duration.ofSeconds(30)).retryBackoff(count -> Duration.ZERO));
        await(() -> poller.stats().deleted() == 1);

        assertThat(recorder.receiveCounts("x")).containsExactly("1", "2");
    }

    @Test
    void highPriorityQueuesAreDrainedFirst() {
        Queue high = queue("high", 5);
        Queue normal = queue("default", 5);
        Queue low = queue("low", 5);
        for (int i = 0; i < 50; i += 10) {
            int from = i;
            sqs.sendMessageBatch(r -> r.queueUrl(low.url).entries(java.util.stream.IntStream.range(from, from + 10)
                    .mapToObj(n -> software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder()
                            .id("m" + n).messageBody("low-" + n).build()).toList()));
        }
        send(normal.url, "default-0", "default-1", "default-2");
        send(high.url, "high-0", "high-1", "high-2", "high-3", "high-4");
        Recorder recorder = new Recorder(m -> false);

        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder)
                .queueUrls(high.url, normal.url, low.url).batchSize(1).concurrency(1));
        await(() -> recorder.bodies().size() >= 12);
        assertThat(poller.stop()).isTrue();

        List<String> order = recorder.bodies();
        assertThat(order.subList(0, 5)).allMatch(b -> b.startsWith("high-"));
        assertThat(order.subList(5, 8)).allMatch(b -> b.startsWith("default-"));
        assertThat(order.subList(8, order.size())).allMatch(b -> b.startsWith("low-"));
        assertThat(poller.stats().batches()).isEqualTo(order.size());
    }

    @Test
    void aMessageOnALowerQueue_isNotHeldBackByTheLongPollOfTheFirst() throws Exception {
        Queue high = queue("idle-high", 5);
        Queue low = queue("idle-low", 5);
        Recorder recorder = new Recorder(m -> false);
        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder)
                .queueUrls(high.url, low.url).waitTime(Duration.ofSeconds(20)).concurrency(1));
        pause(Duration.ofMillis(500)); // both queues are long-polled by now

        send(low.url, "low-while-idle");

        // a receiver per queue: received at once, not after the first queue's 20 s long poll
        await(() -> recorder.bodies().contains("low-while-idle"), Duration.ofSeconds(10));
        assertThat(poller.stats().pollErrors()).isZero();
    }

    @Test
    void stop_doesNotWaitForALongPoll_andWhatItReturnsStaysOnTheQueue() throws Exception {
        Queue q = queue("stop-long-poll", 5);
        Recorder recorder = new Recorder(m -> false);
        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(q.url)
                .waitTime(Duration.ofSeconds(20)));
        pause(Duration.ofMillis(500));

        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(poller::stop);
        assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
        send(q.url, "after-stop"); // the abandoned long poll may receive it: it makes it visible again

        pause(Duration.ofMillis(1500));
        assertThat(recorder.bodies()).isEmpty();
        Recorder next = new Recorder(m -> false);
        start(SqsEventSourcePoller.builder(sqs, next).queueUrls(q.url));
        await(() -> next.bodies().contains("after-stop"));
    }

    @Test
    void aBatchWaitingForABusyWorker_keepsItsMessagesInvisible() throws Exception {
        Queue first = queue("busy-first", 5);
        Queue second = queue("busy-second", 5);
        CountDownLatch entered = new CountDownLatch(1);
        Recorder recorder = new Recorder(m -> false) {
            @Override
            public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
                SQSBatchResponse response = super.handleRequest(event, context);
                if (event.getRecords().get(0).getBody().equals("slow") && entered.getCount() > 0) {
                    entered.countDown();
                    pause(VISIBILITY.multipliedBy(3));
                }
                return response;
            }
        };
        start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(first.url, second.url).concurrency(1));
        send(first.url, "slow");
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        send(second.url, "waits"); // received while the only worker is busy for three visibility timeouts

        await(() -> recorder.bodies().contains("waits"));
        assertThat(recorder.receiveCounts("waits")).containsExactly("1");
    }

    @Test
    void stop_finishesTheBatchInFlightThenStops() throws Exception {
        Queue q = queue("stop", 5);
        send(q.url, "in-flight");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recorder recorder = new Recorder(m -> false) {
            @Override
            public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
                super.handleRequest(event, context);
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
        };
        SqsEventSourcePoller poller = start(SqsEventSourcePoller.builder(sqs, recorder).queueUrls(q.url)
                .concurrency(2));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(poller::stop);
        pause(Duration.ofMillis(300));
        assertThat(stopped).isNotDone();
        assertThat(poller.isRunning()).isFalse();
        release.countDown();

        assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(poller.stats().deleted()).isEqualTo(1);
        send(q.url, "after-stop");
        pause(Duration.ofMillis(1200));
        assertThat(recorder.bodies()).containsExactly("in-flight");
        assertThat(approximateCount(q.url)).isEqualTo(1);
    }

    // --- helpers -------------------------------------------------------------------------------

    /** Records every event; fails (as a batch item failure) the messages {@code fails} selects. */
    static class Recorder implements RequestHandler<SQSEvent, SQSBatchResponse> {
        final List<SQSEvent> events = new CopyOnWriteArrayList<>();
        final List<Context> contexts = new CopyOnWriteArrayList<>();
        final List<Integer> remainingMillis = new CopyOnWriteArrayList<>();
        final List<SQSEvent.SQSMessage> seen = new CopyOnWriteArrayList<>();
        private final Function<SQSEvent.SQSMessage, Boolean> fails;

        Recorder(Function<SQSEvent.SQSMessage, Boolean> fails) {
            this.fails = fails;
        }

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            events.add(event);
            contexts.add(context);
            remainingMillis.add(context.getRemainingTimeInMillis());
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                seen.add(m);
                if (fails.apply(m)) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        }

        List<String> bodies() {
            return seen.stream().map(SQSEvent.SQSMessage::getBody).toList();
        }

        List<String> receiveCounts(String body) {
            return seen.stream().filter(m -> m.getBody().equals(body))
                    .map(m -> m.getAttributes().get("ApproximateReceiveCount")).toList();
        }
    }

    private record Queue(String name, String url, String dlqUrl) {
    }

    /** A fresh queue with a dead-letter queue after {@code maxReceiveCount} receives, visibility 1 s. */
    private static Queue queue(String label, int maxReceiveCount) {
        String name = "poller-" + QUEUE_SEQUENCE.incrementAndGet() + "-" + label;
        String dlqUrl = sqs.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String url = sqs.createQueue(r -> r.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(VISIBILITY.toSeconds()),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":" + maxReceiveCount + "}"))).queueUrl();
        return new Queue(name, url, dlqUrl);
    }

    private SqsEventSourcePoller start(SqsEventSourcePoller.Builder builder) {
        SqsEventSourcePoller poller = builder.build();
        pollers.add(poller);
        return poller.start();
    }

    private static void send(String url, String... bodies) {
        for (String body : bodies) {
            sqs.sendMessage(r -> r.queueUrl(url).messageBody(body));
        }
    }

    /** Visible + in flight + delayed. */
    private static long approximateCount(String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToLong(Long::parseLong).sum();
    }

    private static void await(BooleanSupplier condition) {
        await(condition, Duration.ofSeconds(15));
    }

    private static void await(BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + within.toSeconds() + " s");
            }
            pause(Duration.ofMillis(20));
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        List<T> list = new ArrayList<>();
        it.forEachRemaining(list::add);
        return list;
    }
}
