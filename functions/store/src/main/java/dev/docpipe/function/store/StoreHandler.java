package dev.docpipe.function.store;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.config.Components;
import dev.docpipe.job.JobId;
import dev.docpipe.job.Stage;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SnapStartPriming;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.pipeline.StageRunner;
import dev.docpipe.pipeline.WorkKeys;

import java.time.Instant;

/** SQS-triggered (store-high/default/low): publishes the PDF and completes the job. */
public final class StoreHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final StageRunner runner;
    private final StoreService service;

    /** Lambda: the components of this execution environment; primed before a SnapStart snapshot ({@link #prime}). */
    public StoreHandler() {
        this(Components.fromEnvironment());
        SnapStartPriming.register("store", () -> prime(SnapStartPriming.quiet(Components.fromEnvironment())));
    }

    /**
     * What the SnapStart hook runs: a stage message for a job that cannot exist through the whole
     * handler (one store read, dropped), and a read of that job's rendered PDF (absent), which builds
     * and warms the S3 client. Writes nothing anywhere.
     */
    public static void prime(Components quiet) {
        new StoreHandler(quiet).handleRequest(SnapStartPriming.messageForNoJob(Stage.STORE), null);
        quiet.blobs().head(new WorkKeys(quiet.config().bucket()).renderedPdf(JobId.newId(Instant.now())));
    }

    public StoreHandler(Components c) {
        this(c, c.stageRunner());
    }

    /** With {@code runner}'s stage leases (local mode's differ: see {@code LocalPipeline}). */
    public StoreHandler(Components c, StageRunner runner) {
        this(runner, new StoreService(c.blobs(), new WorkKeys(c.config().bucket())));
    }

    public StoreHandler(StageRunner runner, StoreService service) {
        this.runner = runner;
        this.service = service;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation ignored = Invocation.start("store", context, runner.metrics())) {
            return SqsBatch.stageMessages(event, runner.metrics(), (message, receives) -> runner.run(message, service));
        }
    }
}
