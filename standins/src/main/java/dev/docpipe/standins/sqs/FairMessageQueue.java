package dev.docpipe.standins.sqs;

import org.elasticmq.actor.queue.InternalMessage;
import org.elasticmq.actor.queue.MessageQueue;
import scala.Function1;
import scala.Option;
import scala.collection.immutable.List;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A standard queue that delivers like an SQS <em>fair queue</em>: messages are grouped by their
 * {@code MessageGroupId} (a message without one is a group of its own, as in SQS), and each message
 * a receive returns is the oldest visible message of the group with the fewest messages in flight
 * (received and not yet deleted or visible again), counting the ones this receive has already
 * picked. Between groups with equally many in flight the oldest message goes first, so a queue whose
 * messages carry no group id, or one group only, delivers oldest first exactly as ElasticMQ's own
 * standard queue does.
 *
 * <p>So a group with thousands of messages waiting cannot delay another group's message beyond the
 * next receive that finds it visible: that group has fewer (none) in flight. SQS is looser: it
 * starts preferring quiet groups only once a group holds more than about 10 % of the queue's
 * in-flight messages and at least 30 of its own (docs/operations.md); this stand-in always prefers
 * them, so local runs show the ordering SQS converges to, not SQS's detection delay.
 *
 * <p>Cost: a receive looks at every message of the queue (O(n log n) for n messages); ElasticMQ's own
 * queue is O(log n). Meant for local mode and tests, with thousands of messages, not millions.
 */
final class FairMessageQueue extends MessageQueue.SimpleMessageQueue {
    /** Oldest first: earliest next delivery, then earliest sent, then id (stable). */
    private static final Comparator<InternalMessage> OLDEST_FIRST = Comparator
            .comparingLong(InternalMessage::nextDelivery)
            .thenComparing(InternalMessage::created)
            .thenComparing(InternalMessage::id);

    /** Every message lives in the inherited by-id map only; the inherited priority queue stays empty. */
    @Override
    public void $plus$eq(InternalMessage message) {
        messagesById().update(message.id(), message);
    }

    @Override
    public Option<InternalMessage> pop() {
        InternalMessage oldest = null;
        for (InternalMessage m : CollectionConverters.asJava(messagesById().values())) {
            if (oldest == null || OLDEST_FIRST.compare(m, oldest) < 0) {
                oldest = m;
            }
        }
        if (oldest == null) {
            return Option.empty();
        }
        remove(oldest.id());
        return Option.apply(oldest);
    }

    @Override
    public long size() {
        return messagesById().size();
    }

    @Override
    public MessageQueue filterNot(Function1<InternalMessage, Object> predicate) {
        FairMessageQueue kept = new FairMessageQueue();
        for (InternalMessage m : CollectionConverters.asJava(messagesById().values())) {
            if (!(Boolean) predicate.apply(m)) {
                kept.$plus$eq(m);
            }
        }
        return kept;
    }

    @Override
    public List<InternalMessage> dequeue(int count, long deliveryTime) {
        Map<String, Group> groups = new HashMap<>();
        for (InternalMessage m : CollectionConverters.asJava(messagesById().values())) {
            Group g = groups.computeIfAbsent(groupOf(m), k -> new Group());
            if (m.deliverable(deliveryTime)) {
                g.visible.add(m);
            } else if (m.receiveCount() > 0) {
                g.inFlight++;
            }
        }
        PriorityQueue<Group> candidates = new PriorityQueue<>(Comparator.<Group>comparingInt(g -> g.inFlight)
                .thenComparing(g -> g.visible.peek(), OLDEST_FIRST));
        groups.values().stream().filter(g -> !g.visible.isEmpty()).forEach(candidates::add);
        java.util.List<InternalMessage> picked = new ArrayList<>(count);
        while (picked.size() < count && !candidates.isEmpty()) {
            Group g = candidates.poll();
            picked.add(g.visible.poll());
            g.inFlight++;
            if (!g.visible.isEmpty()) {
                candidates.add(g);
            }
        }
        return CollectionConverters.asScala(picked).toList();
    }

    /** The message's group: its {@code MessageGroupId}, or a group of its own when it has none. */
    static String groupOf(InternalMessage m) {
        Option<String> group = m.messageGroupId();
        return group.isDefined() ? "g:" + group.get() : "m:" + m.id();
    }

    private static final class Group {
        final PriorityQueue<InternalMessage> visible = new PriorityQueue<>(OLDEST_FIRST);
        int inFlight;
    }
}
