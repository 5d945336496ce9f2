package dev.docpipe.function.sweeper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.docpipe.config.Components;
import dev.docpipe.job.JobId;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SnapStartPriming;
import dev.docpipe.port.Metrics;
import dev.docpipe.pipeline.Sweeper;
import dev.docpipe.pipeline.UploadIntake;

import java.time.Instant;

/** Scheduled (EventBridge rate): one sweep per invocation; returns what it did. */
public final class SweeperHandler implements RequestHandler<ScheduledEvent, String> {
    private final SweeperService service;
    private final Metrics metrics;

    /** Lambda: the components of this execution environment; primed before a SnapStart snapshot ({@link #prime}). */
    public SweeperHandler() {
        this(Components.fromEnvironment());
        SnapStartPriming.register("sweeper", () -> prime(SnapStartPriming.quiet(Components.fromEnvironment())));
    }

    /**
     * What the SnapStart hook runs: reads only, never a sweep (a sweep re-drives and fails jobs): a
     * job that cannot exist, and the first key under {@code uploads/}, which build and warm the
     * DynamoDB and S3 clients. Writes nothing anywhere.
     */
    public static void prime(Components quiet) {
        quiet.store().get(JobId.newId(Instant.now()));
        quiet.blobs().list(quiet.config().bucket(), "uploads/", null, 1);
    }

    public SweeperHandler(Components c) {
        this(new SweeperService(c.sweeper(), new UploadIntake(c.blobs(), c.intake(), c.config().bucket()), c.clock(),
                c.config().queuedTimeout(), 500), c.metrics());
    }

    public SweeperHandler(SweeperService service) {
        this(service, Metrics.none());
    }

    /** @param metrics the sink the sweep records into; flushed at the end of each invocation */
    public SweeperHandler(SweeperService service, Metrics metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        Sweeper.Report r;
        try (Invocation ignored = Invocation.start("sweeper", context, metrics)) {
            r = service.run();
        }
        return "{\"redriven\":" + r.redriven() + ",\"failed\":" + r.failed() + ",\"expiredDeleted\":" + r.expiredDeleted() + "}";
    }
}
