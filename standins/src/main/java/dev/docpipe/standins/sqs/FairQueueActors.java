package dev.docpipe.standins.sqs;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.elasticmq.Limits;
import org.elasticmq.QueueData;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.QueueManagerActorStorage;
import org.elasticmq.actor.queue.QueueActor;
import org.elasticmq.util.NowProvider;
import scala.Option;
import scala.reflect.ClassTag;

import java.util.UUID;

/**
 * ElasticMQ's actors with {@link FairMessageQueue} for every standard queue (FIFO queues keep
 * ElasticMQ's own): the queue manager creates {@link FairQueueActor}s in place of ElasticMQ's
 * {@link QueueActor}s, wiring dead-letter, copy and move targets as ElasticMQ 1.7.1 does.
 */
final class FairQueueActors {
    private FairQueueActors() {
    }

    /** Props of the queue manager: {@code new QueueManagerActor(nowProvider, limits, queueEventListener)} with fair queues. */
    static Props manager(NowProvider nowProvider, Limits limits, Option<ActorRef> queueEventListener) {
        return Props.create(Manager.class, nowProvider, limits, queueEventListener);
    }

    /** A queue manager whose standard queues are fair queues. */
    public static final class Manager extends QueueManagerActor {
        public Manager(NowProvider nowProvider, Limits limits, Option<ActorRef> queueEventListener) {
            super(nowProvider, limits, queueEventListener);
        }

        /** Scala's generic signatures of ev() clash in Java's eyes; the erased type satisfies both. */
        @Override
        @SuppressWarnings("rawtypes")
        public ClassTag ev() {
            return super.ev();
        }

        @Override
        public ActorRef createQueueActor(NowProvider nowProvider, QueueData queueData, Option<ActorRef> queueEventListener) {
            Option<ActorRef> deadLetters = queueData.deadLettersQueue().isDefined()
                    ? actorOf(queueData.deadLettersQueue().get().name()) : Option.empty();
            Option<ActorRef> copyTo = queueData.copyMessagesTo().isDefined()
                    ? actorOf(queueData.copyMessagesTo().get()) : Option.empty();
            Option<ActorRef> moveTo = queueData.moveMessagesTo().isDefined()
                    ? actorOf(queueData.moveMessagesTo().get()) : Option.empty();
            Props props = Props.create(FairQueueActor.class, nowProvider, queueData, deadLetters, copyTo, moveTo,
                    queueEventListener);
            return context().actorOf(props, "queue-" + queueData.name() + "-" + UUID.randomUUID().toString().substring(0, 8));
        }

        private Option<ActorRef> actorOf(String queueName) {
            Option<QueueManagerActorStorage.ActorWithQueueData> queue = queues().get(queueName);
            return queue.isDefined() ? Option.apply(queue.get().actorRef()) : Option.empty();
        }
    }

    /** ElasticMQ's queue actor holding a {@link FairMessageQueue} when the queue is a standard one. */
    public static final class FairQueueActor extends QueueActor {
        public FairQueueActor(NowProvider nowProvider, QueueData queueData, Option<ActorRef> deadLetters,
                              Option<ActorRef> copyTo, Option<ActorRef> moveTo, Option<ActorRef> queueEventListener) {
            super(nowProvider, queueData, deadLetters, copyTo, moveTo, queueEventListener);
            if (!queueData.isFifo()) {
                messageQueue_$eq(new FairMessageQueue());
            }
        }

        /** As {@link Manager#ev()}. */
        @Override
        @SuppressWarnings("rawtypes")
        public ClassTag ev() {
            return super.ev();
        }
    }
}
