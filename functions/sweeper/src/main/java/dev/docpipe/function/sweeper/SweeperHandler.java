package dev.docpipe.function.sweeper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.docpipe.config.Components;
import dev.docpipe.pipeline.Sweeper;
import dev.docpipe.pipeline.UploadIntake;

/** Scheduled (EventBridge rate): one sweep per invocation; returns what it did. */
public final class SweeperHandler implements RequestHandler<ScheduledEvent, String> {
    private final SweeperService service;

    public SweeperHandler() {
        this(Components.fromEnvironment());
    }

    public SweeperHandler(Components c) {
        this(new SweeperService(c.sweeper(), new UploadIntake(c.blobs(), c.intake(), c.config().bucket()), c.clock(),
                c.config().queuedTimeout(), 500));
    }

    public SweeperHandler(SweeperService service) {
        this.service = service;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        Sweeper.Report r = service.run();
        return "{\"redriven\":" + r.redriven() + ",\"failed\":" + r.failed() + ",\"expiredDeleted\":" + r.expiredDeleted() + "}";
    }
}
