package dev.docpipe.standins.sqs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FairMessageQueue} through the SQS protocol: a standard queue with {@code MessageGroupId}s
 * delivers as an SQS fair queue, one without them oldest first as before.
 */
class FairQueueTest {
    private static SqsStandIn server;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        server = SqsStandIn.start();
        sqs = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aQuietGroupsMessageIsReceivedBeforeANoisyGroupsBacklog() {
        String url = queue();
        sendAll(url, "noisy", 300);
        sqs.sendMessage(r -> r.queueUrl(url).messageBody("quiet-0").messageGroupId("quiet"));

        List<Message> first = receive(url, 10);
        List<Message> second = receive(url, 10);

        // the first receive finds both groups with nothing in flight: the older (noisy) message first,
        // then the quiet one, as the noisy group now has one in flight
        assertThat(first).extracting(Message::body).startsWith("noisy-0", "quiet-0");
        assertThat(first).hasSize(10);
        assertThat(second).extracting(Message::body).allMatch(b -> b.startsWith("noisy-"));
    }

    @Test
    void aGroupWithMessagesInFlightWaitsForGroupsWithFewer() {
        String url = queue();
        sendAll(url, "a", 50);
        List<Message> held = receive(url, 10);
        sendAll(url, "b", 3);
        sendAll(url, "c", 3);

        List<Message> next = receive(url, 10);

        assertThat(held).extracting(Message::body).allMatch(b -> b.startsWith("a-"));
        // b and c (nothing in flight) alternate, oldest first, before a's backlog is served again
        assertThat(next).extracting(Message::body)
                .startsWith("b-0", "c-0", "b-1", "c-1", "b-2", "c-2");
        assertThat(next.subList(6, 10)).extracting(Message::body).allMatch(b -> b.startsWith("a-"));
    }

    @Test
    void messagesWithoutAGroupAreDeliveredOldestFirst() {
        String url = queue();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String body = "m-" + i;
            sent.add(body);
            sqs.sendMessage(r -> r.queueUrl(url).messageBody(body));
        }
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            receive(url, 10).forEach(m -> received.add(m.body()));
        }
        assertThat(received).containsExactlyElementsOf(sent);
    }

    @Test
    void deletingAndChangingVisibilityKeepTheFairOrdering() {
        String url = queue();
        sendAll(url, "a", 20);
        List<Message> held = receive(url, 5);
        // one back at once (visibility 0), one deleted: a has 3 in flight
        sqs.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(held.get(0).receiptHandle()).visibilityTimeout(0));
        sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(held.get(1).receiptHandle()));
        sqs.sendMessage(r -> r.queueUrl(url).messageBody("b-0").messageGroupId("b"));

        List<Message> next = receive(url, 2);

        // b has nothing in flight; then a's oldest visible message (a-0 became visible only now, after a-5..)
        assertThat(next).extracting(Message::body).containsExactly("b-0", "a-5");
        Map<QueueAttributeName, String> counts = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        // 21 sent, 1 deleted: a-2..a-5 and b-0 in flight, a-0 and a-6..a-19 visible
        assertThat(counts).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "15")
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "5");
    }

    private static String queue() {
        return sqs.createQueue(r -> r.queueName("fair-" + UUID.randomUUID().toString().substring(0, 8))
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"))).queueUrl();
    }

    private static void sendAll(String url, String group, int count) {
        for (int from = 0; from < count; from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(group + "-" + i).messageGroupId(group).build());
            }
            assertThat(sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entries)).failed()).isEmpty();
        }
    }

    private static List<Message> receive(String url, int max) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(max)).messages();
    }
}
