package dev.docpipe.function.submit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.docpipe.api.ApiGatewayEvents;
import dev.docpipe.config.Components;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.port.Metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The submit function behind API Gateway (REST API, Lambda proxy integration): {@code POST /jobs},
 * {@code POST /uploads}, {@code DELETE /jobs/{id}}, {@code POST /jobs/{id}/retry}. A stream handler,
 * because the owner (the API key id in {@code requestContext.identity.apiKeyId}) is not in the
 * {@code aws-lambda-java-events} model; the routes and validation are in {@link SubmitService}.
 */
public final class SubmitHandler implements RequestStreamHandler {
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
}
