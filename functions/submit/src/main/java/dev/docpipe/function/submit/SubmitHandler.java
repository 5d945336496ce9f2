package dev.docpipe.function.submit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.docpipe.api.ApiGatewayEvents;
import dev.docpipe.config.Components;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.port.Metrics;
import dev.docpipe.job.JobId;
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
import java.time.Instant;

/**
 * The submit function behind API Gateway (REST API, Lambda proxy integration): {@code POST /jobs},
 * {@code POST /uploads}, {@code DELETE /jobs/{id}}, {@code POST /jobs/{id}/retry}, {@code POST /jobs/{id}/erase}.
 * A stream handler,
 * because the owner (the API key id in {@code requestContext.identity.apiKeyId}) is not in the
 * {@code aws-lambda-java-events} model; the routes and validation are in {@link SubmitService}.
 *
 * <p>SnapStart: {@link #PRIMING} is registered when the class is initialised; before the snapshot it
 * asks to retry a job id that cannot exist, which reads the job store (and Redis, when configured)
 * and answers 404 without writing anything.
 */
public final class SubmitHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SubmitHandler.class);
    private static final Resource PRIMING = new Priming();

    static {
        Core.getGlobalContext().register(PRIMING);
    }

    private final SubmitService service;
    private final Metrics metrics;

    /** Lambda: the process-wide components, built from the environment once per execution environment. */
    public SubmitHandler() {
        this(Components.fromEnvironment());
    }

    /** Tests and local mode: explicit adapters. */
    public SubmitHandler(Components components) {
        this(SubmitService.from(components), components.metrics());
    }

    public SubmitHandler(SubmitService service) {
        this(service, Metrics.none());
    }

    /** @param metrics the sink the service records into; flushed at the end of each invocation */
    public SubmitHandler(SubmitService service, Metrics metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        try (Invocation ignored = Invocation.start("submit", context, metrics)) {
            ApiGatewayEvents.handle(in, out, context, service::handle);
        }
    }

    /** One read-only request through the whole handler before a checkpoint; a failure is logged, never fatal. */
    static final class Priming implements Resource {
        static String retryEvent(JobId unknown) {
            return "{\"httpMethod\":\"POST\",\"path\":\"/jobs/" + unknown.value() + "/retry\","
                    + "\"resource\":\"/jobs/{id}/retry\",\"pathParameters\":{\"id\":\"" + unknown.value() + "\"},"
                    + "\"requestContext\":{\"identity\":{\"apiKeyId\":\"snapstart-priming\"}}}";
        }

        @Override
        public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
            long started = System.nanoTime();
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                new SubmitHandler().handleRequest(new ByteArrayInputStream(
                        retryEvent(JobId.newId(Instant.now())).getBytes(StandardCharsets.UTF_8)), out, null);
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
