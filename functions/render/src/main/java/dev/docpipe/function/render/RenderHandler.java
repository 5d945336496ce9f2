package dev.docpipe.function.render;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.config.Components;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.job.Stage;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SnapStartPriming;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.pipeline.StageRunner;
import dev.docpipe.pipeline.WorkKeys;

/** SQS-triggered (render-high/default/low). The renderer, with its parsed fonts, lives as long as the container. */
public final class RenderHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final StageRunner runner;
    private final RenderService service;

    /** Lambda: the components of this execution environment; primed before a SnapStart snapshot ({@link #prime}). */
    public RenderHandler() {
        this(Components.fromEnvironment());
        SnapStartPriming.register("render", () -> prime(SnapStartPriming.quiet(Components.fromEnvironment()), service));
    }

    public RenderHandler(Components c) {
        this(c, c.stageRunner());
    }

    /** With {@code runner}'s stage leases (local mode's differ: see {@code LocalPipeline}). */
    public RenderHandler(Components c, StageRunner runner) {
        this(runner, new RenderService(c.blobs(), new WorkKeys(c.config().bucket()),
                new PdfRenderer(new RenderLimits(c.config().maxPages(), c.config().renderTimeout()))));
    }

    public RenderHandler(StageRunner runner, RenderService service) {
        this.runner = runner;
        this.service = service;
    }

    /**
     * What the SnapStart hook runs: {@code service}'s renderer renders a small multilingual document
     * (fonts parsed, the metrics cache filled; no I/O), and a stage message for a job that cannot
     * exist goes through the whole handler (one store read, dropped). Writes nothing anywhere.
     */
    public static void prime(Components quiet, RenderService service) {
        service.warmUp();
        new RenderHandler(quiet.stageRunner(), service).handleRequest(SnapStartPriming.messageForNoJob(Stage.RENDER), null);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation ignored = Invocation.start("render", context, runner.metrics())) {
            return SqsBatch.stageMessages(event, runner.metrics(), (message, receives) -> runner.run(message, service));
        }
    }
}
