package dev.docpipe.function.deadletter;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.config.Components;
import dev.docpipe.job.Stage;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SnapStartPriming;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.pipeline.DeadLetters;

/**
 * SQS-triggered by the stage dead-letter queues: fails each message's job with
 * {@code retries_exhausted}. Ingest's dead letters carry S3 notifications, not stage messages: they
 * are logged and dropped here; the sweeper registers those uploads.
 */
public final class DeadLetterHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final DeadLetters deadLetters;

    /** Lambda: the components of this execution environment; primed before a SnapStart snapshot ({@link #prime}). */
    public DeadLetterHandler() {
        this(Components.fromEnvironment().deadLetters());
        SnapStartPriming.register("deadletter", () -> prime(SnapStartPriming.quiet(Components.fromEnvironment())));
    }

    /**
     * What the SnapStart hook runs: a dead letter for a job that cannot exist through the whole
     * handler (one store read, nothing to fail). Writes nothing anywhere.
     */
    public static void prime(Components quiet) {
        new DeadLetterHandler(quiet.deadLetters()).handleRequest(SnapStartPriming.messageForNoJob(Stage.PARSE), null);
    }

    public DeadLetterHandler(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation ignored = Invocation.start("deadletter", context, deadLetters.metrics())) {
            return SqsBatch.stageMessages(event, deadLetters::handle);
        }
    }
}
