package dev.docpipe.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.adapter.json.StageMessageJson;
import dev.docpipe.config.Components;
import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.StageMessage;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SnapStart priming: work a function runs once before Lambda takes the snapshot of its initialised
 * execution environment (a CRaC {@code beforeCheckpoint} hook), so that class loading, the first SDK
 * marshalling and signing, JIT and the function's own caches are in the snapshot instead of in the
 * first event after a restore. On a JVM without CRaC (local mode, tests, a function without SnapStart)
 * registering is harmless and the hook never runs.
 *
 * <p>Priming must leave no trace: it reads (a job that cannot exist, an object that is not there) and
 * never writes to the job store, the bucket or a queue; it records no metrics ({@link #quiet}).
 */
public final class SnapStartPriming {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);
    /** Strong references: the CRaC context may hold its resources weakly. */
    private static final List<Resource> REGISTERED = new CopyOnWriteArrayList<>();

    private SnapStartPriming() {
    }

    /**
     * Runs {@code prime} before a checkpoint. A failure is logged, never fatal: a function that
     * could not prime still starts, only slower.
     *
     * @return the registered resource (tests run its {@code beforeCheckpoint} themselves)
     */
    public static Resource register(String function, Runnable prime) {
        Resource resource = new Resource() {
            @Override
            public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
                long started = System.nanoTime();
                try {
                    prime.run();
                    LOG.info("{} primed before checkpoint in {} ms", function, (System.nanoTime() - started) / 1_000_000);
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("{}: priming before checkpoint failed: {}", function, e.toString());
                }
            }

            @Override
            public void afterRestore(org.crac.Context<? extends Resource> context) {
                // nothing to re-open: the SDK clients reconnect on their next call
            }
        };
        REGISTERED.add(resource);
        Core.getGlobalContext().register(resource);
        return resource;
    }

    /** {@code components} recording no metrics: priming's invocations are not traffic. */
    public static Components quiet(Components components) {
        return components.withMetrics(Metrics.none());
    }

    /**
     * An SQS event with one {@code stage} message for a job that cannot exist (a fresh id): a stage
     * function reads the store once, finds nothing and drops it; so does the dead-letter function.
     */
    public static SQSEvent messageForNoJob(Stage stage) {
        JobId nobody = JobId.newId(Instant.now());
        return sqsEvent(StageMessageJson.write(new StageMessage(nobody, stage, Priority.DEFAULT, 1, "snapstart-priming")));
    }

    /** An SQS event with one record whose body is {@code body}. */
    public static SQSEvent sqsEvent(String body) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("snapstart-priming");
        record.setBody(body);
        record.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }
}
