package dev.docpipe.local.dashboard;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * Stands in for local mode's gateway until it lands: HTTP request → REST proxy event → the submit or
 * status handler → HTTP response, with API Gateway's key check ({@code 403 {"message":"Forbidden"}}).
 * To be replaced by {@code dev.docpipe.local.serve.Gateway}.
 */
final class InterimGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;

    private InterimGateway(HttpServer server) {
        this.server = server;
    }

    static InterimGateway start(RequestStreamHandler submit, RequestStreamHandler status, Map<String, String> keyIdsByValue)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", ex -> {
            try (ex) {
                answer(ex, submit, status, keyIdsByValue);
            } catch (IOException | RuntimeException e) {
                System.err.println("gateway failed on " + ex.getRequestURI() + ": " + e);
                e.printStackTrace();
                throw e;
            }
        });
        server.start();
        return new InterimGateway(server);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void answer(HttpExchange ex, RequestStreamHandler submit, RequestStreamHandler status,
                               Map<String, String> keys) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        String resource;
        ObjectNode params = JSON.createObjectNode();
        boolean keyRequired = true;
        if (path.equals("/")) {
            resource = "/";
            keyRequired = false;
        } else if (path.matches("/assets/[^/]+")) {
            resource = "/assets/{file}";
            params.put("file", path.substring("/assets/".length()));
            keyRequired = false;
        } else if (path.matches("/jobs/[^/]+/retry")) {
            resource = "/jobs/{id}/retry";
            params.put("id", path.split("/")[2]);
        } else if (path.matches("/jobs/[^/]+")) {
            resource = "/jobs/{id}";
            params.put("id", path.split("/")[2]);
        } else if (path.equals("/jobs") || path.equals("/uploads") || path.equals("/stats")) {
            resource = path;
        } else {
            send(ex, 403, "{\"message\":\"Missing Authentication Token\"}");
            return;
        }
        String given = ex.getRequestHeaders().getFirst("x-api-key");
        String keyId = given == null ? null : keys.get(given);
        if (keyRequired && keyId == null) {
            send(ex, 403, "{\"message\":\"Forbidden\"}");
            return;
        }
        boolean toSubmit = resource.equals("/uploads") || resource.equals("/jobs/{id}/retry")
                || (resource.equals("/jobs") && method.equals("POST"))
                || (resource.equals("/jobs/{id}") && method.equals("DELETE"));
        ObjectNode event = JSON.createObjectNode();
        event.put("resource", resource);
        event.put("path", path);
        event.put("httpMethod", method);
        ObjectNode headers = event.putObject("headers");
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
        ObjectNode query = event.putObject("queryStringParameters");
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        event.set("pathParameters", params);
        ObjectNode rc = event.putObject("requestContext");
        rc.put("requestId", UUID.randomUUID().toString());
        rc.putObject("identity").put("apiKeyId", keyId);
        byte[] body = ex.getRequestBody().readAllBytes();
        if (body.length > 0) {
            event.put("body", new String(body, StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        (toSubmit ? submit : status).handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        JsonNode response = JSON.readTree(out.toByteArray());
        response.path("headers").fields().forEachRemaining(h -> ex.getResponseHeaders().set(h.getKey(), h.getValue().asText()));
        byte[] bytes = response.path("body").asText().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(response.path("statusCode").asInt(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
