package dev.docpipe.function.store;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.config.Components;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.pipeline.StageRunner;
import dev.docpipe.pipeline.WorkKeys;

/** SQS-triggered (store-high/default/low): publishes the PDF and completes the job. */
public final class StoreHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final StageRunner runner;
    private final StoreService service;

    public StoreHandler() {
        this(Components.fromEnvironment());
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
