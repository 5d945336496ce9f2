package dev.docpipe.function.sweeper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.docpipe.config.Components;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.port.Metrics;
import dev.docpipe.pipeline.Sweeper;
import dev.docpipe.pipeline.UploadIntake;

/** Scheduled (EventBridge rate): one sweep per invocation; returns what it did. */
public final class SweeperHandler implements RequestHandler<ScheduledEvent, String> {
    private final SweeperService service;
    private final Metrics metrics;

    public SweeperHandler() {
        this(Components.fromEnvironment());
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
