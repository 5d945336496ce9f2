package dev.docpipe.adapter.sqs;

import dev.docpipe.adapter.Lazy;
import dev.docpipe.config.QueueNames;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;
import dev.docpipe.port.QueueMonitor;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link QueueMonitor} on SQS through {@link SqsQueueSetup#depth}: two calls per queue
 * ({@code GetQueueUrl}, {@code GetQueueAttributes}), made one after the other, so a full
 * {@link #loads()} is 28 calls for the 14 queues. The oldest message's age is never known here (see
 * {@link QueueDepth#oldestAge()}).
 */
public final class SqsQueueMonitor implements QueueMonitor {
    private static final String INGEST = "ingest";

    private final Supplier<SqsClient> sqs;
    private final QueueNames names;

    public SqsQueueMonitor(SqsClient sqs, QueueNames names) {
        this(Lazy.built(Objects.requireNonNull(sqs, "sqs")), names);
    }

    /** @param sqs the client, asked for on the first depth read (Lambda: built then) */
    public SqsQueueMonitor(Supplier<SqsClient> sqs, QueueNames names) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.names = Objects.requireNonNull(names, "names");
    }

    @Override
    public List<QueueLoad> loads() {
        List<QueueLoad> loads = new ArrayList<>();
        loads.add(load(INGEST, null, false, names.ingest()));
        for (Stage stage : Stage.values()) {
            for (Priority priority : Priority.values()) {
                loads.add(load(stage.wire(), priority, false, names.stage(stage, priority)));
            }
        }
        loads.add(load(INGEST, null, true, names.ingestDeadLetter()));
        for (Stage stage : Stage.values()) {
            loads.add(load(stage.wire(), null, true, names.deadLetter(stage)));
        }
        return loads;
    }

    @Override
    public void probe() {
        SqsQueueSetup.depth(sqs.get(), names.ingest());
    }

    private QueueLoad load(String stage, Priority priority, boolean deadLetter, String queue) {
        QueueDepth d = SqsQueueSetup.depth(sqs.get(), queue);
        return new QueueLoad(stage, priority, deadLetter, d.visible(), d.inFlight(), d.delayed(),
                d.oldestAge().orElse(null));
    }
}
