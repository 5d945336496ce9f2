package dev.docpipe.function.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.docpipe.adapter.sqs.SqsQueueMonitor;
import dev.docpipe.api.ApiGatewayEvents;
import dev.docpipe.config.Components;
import dev.docpipe.port.QueueMonitor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The status function: {@code GET /jobs/{id}}, {@code GET /jobs}, {@code GET /stats},
 * {@code GET /health} and the dashboard ({@code GET /}, {@code GET /assets/{file}}) behind API Gateway (REST proxy events, read as a stream so the caller's API key
 * id survives). See docs/api-status.md.
 */
public final class StatusHandler implements RequestStreamHandler {
    private final StatusRoutes routes;

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
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ApiGatewayEvents.handle(input, output, context, routes);
    }

    /** One SQS client per JVM; region, credentials and endpoint from the SDK's standard environment. */
    private static final class Sqs {
        static final SqsClient CLIENT = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }
}
