package dev.docpipe.function.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.docpipe.adapter.sqs.SqsQueueMonitor;
import dev.docpipe.api.ApiGatewayEvents;
import dev.docpipe.config.Components;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.QueueMonitor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The status function: {@code GET /jobs/{id}}, {@code GET /jobs}, {@code GET /stats} and
 * {@code GET /health} behind API Gateway (REST proxy events, read as a stream so the caller's API key
 * id survives). See docs/api-status.md.
 */
public final class StatusHandler implements RequestStreamHandler {
    private final StatusRoutes routes;
    private final Metrics metrics;

    /** Production: the components of this execution environment, built once, and SQS for queue depths. */
    public StatusHandler() {
        this(Components.fromEnvironment());
    }

    private StatusHandler(Components components) {
        this(components, new SqsQueueMonitor(Sqs.CLIENT, components.config().queueNames()));
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

    /** One SQS client per JVM; region, credentials and endpoint from the SDK's standard environment. */
    private static final class Sqs {
        static final SqsClient CLIENT = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }
}
