package dev.docpipe.standins.sqs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SqsStandIn}: loopback server, AWS-like ARNs, and what its data directory keeps across a restart. */
class SqsStandInTest {
    /** One directory for the class: ElasticMQ's storage is one per JVM. */
    @TempDir
    static Path data;

    @Test
    void servesSqsOnLoopbackWithAwsLikeArns() {
        try (SqsStandIn server = SqsStandIn.start()) {
            assertThat(server.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(server.port()).isPositive();
            SqsClient sqs = server.client();

            String url = sqs.createQueue(r -> r.queueName("plain")).queueUrl();
            String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);

            assertThat(url).endsWith("/000000000000/plain");
            assertThat(arn).isEqualTo("arn:aws:sqs:us-east-1:000000000000:plain");
            assertThat(server.dataDirectory()).isNull();
        }
    }

    @Test
    void aDataDirectoryKeepsQueuesAndMessagesAcrossARestart() {
        String dlqArn;
        try (SqsStandIn first = SqsStandIn.builder().dataDirectory(data).start()) {
            SqsClient sqs = first.client();
            String dlqUrl = sqs.createQueue(r -> r.queueName("kept-dlq")).queueUrl();
            dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String url = sqs.createQueue(r -> r.queueName("kept").attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, "1",
                    QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":5}")))
                    .queueUrl();
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("survivor"));
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("deleted"));
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages();
            assertThat(received).hasSize(2);
            received.stream().filter(m -> m.body().equals("deleted"))
                    .forEach(m -> sqs.deleteMessage(d -> d.queueUrl(url).receiptHandle(m.receiptHandle())));
        }

        try (SqsStandIn second = SqsStandIn.builder().dataDirectory(data).start()) {
            SqsClient sqs = second.client();
            String url = sqs.getQueueUrl(r -> r.queueName("kept")).queueUrl();
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(url)
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY)).contains(dlqArn).contains("5");
            assertThat(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("1");

            List<Message> again = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(3)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            assertThat(again).extracting(Message::body).containsExactly("survivor");
            assertThat(again.get(0).attributes()).containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2");
        }
    }

    /**
     * A persistent server's actor system sleeps when idle (1 s scheduler tick):
     * long polls still end, a message sent during one is answered at once, and a message whose
     * visibility ends is handed to a waiting long poll.
     */
    @Test
    void aPersistentServer_answersLongPollsPromptly() throws Exception {
        try (SqsStandIn server = SqsStandIn.builder().dataDirectory(data).start()) {
            SqsClient sqs = server.client();
            String url = sqs.createQueue(r -> r.queueName("long-poll")).queueUrl();

            long t0 = System.nanoTime();
            assertThat(sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1)).messages()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

            CompletableFuture<List<Message>> waiting = CompletableFuture.supplyAsync(
                    () -> sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(20).visibilityTimeout(1)).messages());
            Thread.sleep(1_500); // the receive waits by now
            long sent = System.nanoTime();
            sqs.sendMessage(r -> r.queueUrl(url).messageBody("while-waiting"));
            assertThat(waiting.get(15, TimeUnit.SECONDS)).extracting(Message::body).containsExactly("while-waiting");
            // answered by the send, not by the end of the 20 s wait
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));

            // not deleted: visible again after its 1 s, and handed to the receive waiting for it then
            long again = System.nanoTime();
            List<Message> redelivered = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(20)).messages();
            assertThat(redelivered).extracting(Message::body).containsExactly("while-waiting");
            assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /**
     * A long poll under way does not hold the stop for its wait time (ElasticMQ's own stop waits for
     * every request to finish): what a persistent server keeps is still there at the next start.
     */
    @Test
    void closing_cutsALongPollShort_andKeepsWhatWasSent() throws Exception {
        CompletableFuture<List<Message>> waiting;
        Duration closing;
        try (SqsStandIn server = SqsStandIn.builder().dataDirectory(data).start()) {
            SqsClient sqs = server.client();
            String idle = sqs.createQueue(r -> r.queueName("idle-at-stop")).queueUrl();
            String kept = sqs.createQueue(r -> r.queueName("kept-at-stop")).queueUrl();
            sqs.sendMessage(r -> r.queueUrl(kept).messageBody("sent-before-stop"));
            SqsClient other = SqsClient.builder().endpointOverride(server.endpoint()).region(server.client()
                    .serviceClientConfiguration().region()).credentialsProvider(server.client()
                    .serviceClientConfiguration().credentialsProvider()).build();
            waiting = CompletableFuture.supplyAsync(
                    () -> other.receiveMessage(r -> r.queueUrl(idle).waitTimeSeconds(20)).messages());
            Thread.sleep(1_000); // the receive waits by now
            long t0 = System.nanoTime();
            server.close();
            closing = Duration.ofNanos(System.nanoTime() - t0);
            other.close();
        }
        assertThat(closing).as("close with a 20 s long poll under way").isLessThan(Duration.ofSeconds(10));
        assertThat(waiting).failsWithin(Duration.ofSeconds(10));

        try (SqsStandIn again = SqsStandIn.builder().dataDirectory(data).start()) {
            SqsClient sqs = again.client();
            String kept = sqs.getQueueUrl(r -> r.queueName("kept-at-stop")).queueUrl();
            assertThat(sqs.receiveMessage(r -> r.queueUrl(kept).waitTimeSeconds(3)).messages())
                    .extracting(Message::body).containsExactly("sent-before-stop");
        }
    }

    @Test
    void oneJvmPersistsToOneDirectoryOnly() {
        try (SqsStandIn server = SqsStandIn.builder().dataDirectory(data).start()) {
            assertThat(server.dataDirectory()).isEqualTo(data.toAbsolutePath().normalize());
        }
        assertThatThrownBy(() -> SqsStandIn.builder().dataDirectory(data.resolve("other")).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one per JVM");
    }
}
