package dev.docpipe.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.logging.LogFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * API Gateway REST proxy events ⇄ {@link ApiRequest}/{@link ApiResponse}, and the shared error
 * handling of the API functions: a domain exception becomes its 4xx, anything else a logged 500 with
 * the request id. Every response carries {@code X-Request-Id}, JSON and no caching.
 *
 * <p>The API functions are stream handlers reading the event JSON themselves: the owner of a job is
 * the caller's API key id ({@code requestContext.identity.apiKeyId}), which the
 * {@code aws-lambda-java-events} model class drops.
 */
public final class ApiGatewayEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ApiGatewayEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiGatewayEvents() {
    }

    public static ApiRequest toRequest(JsonNode event, Context context) {
        JsonNode rc = event.path("requestContext");
        String requestId = text(rc, "requestId");
        if (requestId == null) {
            requestId = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId()
                    : UUID.randomUUID().toString();
        }
        String body = text(event, "body");
        byte[] binary = null;
        if (body != null && event.path("isBase64Encoded").asBoolean(false)) {
            binary = Base64.getDecoder().decode(body);
            body = new String(binary, StandardCharsets.UTF_8);
        }
        return new ApiRequest(text(event, "httpMethod"), text(event, "resource"), text(event, "path"),
                strings(event.path("pathParameters")), strings(event.path("queryStringParameters")),
                strings(event.path("headers")), body, text(rc.path("identity"), "apiKeyId"), requestId, binary);
    }

    public static ObjectNode toEvent(ApiResponse response, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; charset=utf-8");
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Request-Id", requestId);
        headers.putAll(response.headers());
        ObjectNode out = JSON.createObjectNode();
        out.put("statusCode", response.status());
        ObjectNode h = out.putObject("headers");
        headers.forEach(h::put);
        out.put("body", response.body());
        out.put("isBase64Encoded", false);
        return out;
    }

    /** Handles one event: parse, route with the shared error handling, answer. */
    public static ApiResponse handle(ApiRequest request, Function<ApiRequest, ApiResponse> routes) {
        MDC.put(LogFields.REQUEST_ID, request.requestId());
        LogFields.put(LogFields.OWNER, request.owner());
        try {
            ApiResponse response = routes.apply(request);
            LOG.info("{} {} -> {}", request.method(), request.route(), response.status());
            return response;
        } catch (DocpipeException e) {
            LOG.info("{} {} -> {} {}", request.method(), request.route(), ApiErrors.status(e.code()), e.code().code());
            return ApiErrors.of(e, request.requestId());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", request.method(), request.route(), e);
            return ApiErrors.internal(request.requestId());
        } finally {
            MDC.remove(LogFields.REQUEST_ID);
            LogFields.clearRecord();
        }
    }

    /** The whole stream-handler body: event JSON in, proxy response JSON out. */
    public static void handle(InputStream in, OutputStream out, Context context,
                              Function<ApiRequest, ApiResponse> routes) throws IOException {
        JsonNode event = JSON.readTree(in);
        ApiRequest request = toRequest(event == null ? JSON.createObjectNode() : event, context);
        JSON.writeValue(out, toEvent(handle(request, routes), request.requestId()));
    }

    /** The caller's owner id; API Gateway's key check makes a missing one rare, the handler still refuses it. */
    public static String requireOwner(ApiRequest request) {
        if (request.owner() == null) {
            throw new DocpipeException(ErrorCode.UNAUTHORIZED, "an API key is required");
        }
        return request.owner();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNull() || v.isMissingNode() || v.asText().isEmpty() ? null : v.asText();
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }
}
