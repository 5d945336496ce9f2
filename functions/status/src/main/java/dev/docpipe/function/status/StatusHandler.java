package dev.docpipe.function.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.docpipe.adapter.sqs.SqsQueueMonitor;
import dev.docpipe.adapter.sqs.SqsStageQueues;
import dev.docpipe.api.ApiGatewayEvents;
import dev.docpipe.config.Components;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.QueueMonitor;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The status function: {@code GET /jobs/{id}}, {@code GET /jobs}, {@code GET /stats},
 * {@code GET /health} and the dashboard ({@code GET /}, {@code GET /assets/{file}}) behind API
 * Gateway (REST proxy events, read as a stream so the caller's API key id survives). See
 * docs/api-status.md.
 *
 * <p>SnapStart: {@link #PRIMING} is registered when the class is initialised; before the snapshot it
 * answers one {@code GET /health}, which touches the job store, the bucket, every queue and Redis, so
 * the restored environment starts with those classes loaded and the clients built.
 */
public final class StatusHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StatusHandler.class);
    private static final Resource PRIMING = new Priming();

    static {
        Core.getGlobalContext().register(PRIMING);
    }

    private final StatusRoutes routes;
    private final Metrics metrics;

    /** Production: the components of this execution environment, built once, and SQS for queue depths. */
    public StatusHandler() {
        this(Components.fromEnvironment());
    }

    private StatusHandler(Components components) {
        this(components, new SqsQueueMonitor(SqsStageQueues.environmentClient(), components.config().queueNames()));
    }

    /** Tests and local mode. */
    public StatusHandler(Components components, QueueMonitor queues) {
        this.routes = new StatusRoutes(new StatusService(components, queues));
        this.metrics = components.metrics();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (Invocation ignored = Invocation.start("status", context, metrics)) {
            ApiGatewayEvents.handle(input, output, context, routes);
        }
    }

    /** Answers {@code GET /health} once before a checkpoint; a failed probe is logged, never fatal. */
    static final class Priming implements Resource {
        static final String HEALTH_EVENT = "{\"httpMethod\":\"GET\",\"path\":\"/health\",\"resource\":\"/health\"}";

        @Override
        public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
            long started = System.nanoTime();
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                new StatusHandler().handleRequest(
                        new ByteArrayInputStream(HEALTH_EVENT.getBytes(StandardCharsets.UTF_8)), out, null);
                LOG.info("primed before checkpoint in {} ms", (System.nanoTime() - started) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                LOG.warn("priming before checkpoint failed: {}", e.toString());
            }
        }

        @Override
        public void afterRestore(org.crac.Context<? extends Resource> context) {
            // nothing to re-open: the SDK clients reconnect on their next call
        }
    }
}
