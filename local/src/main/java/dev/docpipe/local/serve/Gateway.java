package dev.docpipe.local.serve;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.docpipe.standins.lambda.LocalLambdaContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP side of local mode: what API Gateway (REST API, Lambda proxy integration, API keys) does
 * in front of the {@code submit} and {@code status} functions. Each request is matched to a resource
 * of {@link ApiRoutes}, its {@code x-api-key} is checked where the resource requires one (missing or
 * unknown: {@code 403 {"message":"Forbidden"}}, as API Gateway answers), it becomes a proxy event
 * with {@code requestContext.identity.apiKeyId} set, the function's stream handler runs, and its
 * proxy response goes back out.
 *
 * <p>Request bodies: every route has a limit ({@link ApiRoutes#bodyLimit}), enforced while reading
 * (never more than the limit + 1 bytes are read). A route without a body (every GET, DELETE, the
 * unauthenticated {@code /health}, {@code /}, {@code /assets/*} and the extras) refuses one before
 * reading anything: {@code 413 {"message":…,"code":"body_not_allowed"}}; a body over the limit (declared
 * by {@code Content-Length} before reading, or found while reading a chunked one) gets
 * {@code 413 {"message":"Request Too Long","code":"payload_too_large"}}.
 *
 * <p>Paths that are not API resources can be answered in-process by {@link #extra(String, Supplier)}
 * (for example {@code /metrics}); they need no key.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String BODY_NOT_ALLOWED = "body_not_allowed";
    static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    static final String STAGE = "local";
    /** The most of a refused body read and dropped after the answer (a little over the largest route limit). */
    static final long DRAIN_LIMIT = 16L * 1024 * 1024;

    /** A plain response for the in-process extras. */
    public record Plain(int status, String contentType, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<ApiRoutes.Function, RequestStreamHandler> functions;
    private final ApiKeys keys;
    private final Map<String, Supplier<Plain>> extras = new LinkedHashMap<>();

    private Gateway(HttpServer server, Map<ApiRoutes.Function, RequestStreamHandler> functions, ApiKeys keys) {
        this.server = server;
        this.functions = Map.copyOf(functions);
        this.keys = keys;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
    }

    /**
     * Binds 127.0.0.1:{@code port} (0: any free port) and starts serving.
     *
     * @throws IOException when the port cannot be bound (in use, or not allowed)
     */
    public static Gateway start(int port, RequestStreamHandler submit, RequestStreamHandler status, ApiKeys keys)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        Gateway gateway = new Gateway(server,
                Map.of(ApiRoutes.Function.SUBMIT, submit, ApiRoutes.Function.STATUS, status), keys);
        server.start();
        return gateway;
    }

    /** Answers GET {@code path} in-process, without a key (operational endpoints such as {@code /metrics}). */
    public Gateway extra(String path, Supplier<Plain> answer) {
        extras.put(path, answer);
        return this;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void exchange(HttpExchange ex) throws IOException {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        int status;
        try (ex) {
            status = answer(ex, requestId);
        } catch (RuntimeException e) {
            LOG.error("gateway failed on {} {}", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), e);
            return;
        }
        LOG.debug("{} {} -> {} in {} ms", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), status,
                (System.nanoTime() - started) / 1_000_000);
    }

    private int answer(HttpExchange ex, String requestId) throws IOException {
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = ex.getRequestURI().getRawPath();
        Supplier<Plain> extra = extras.get(path);
        if (extra != null) {
            if (hasBody(ex)) {
                return bodyNotAllowed(ex, requestId);
            }
            Plain p = extra.get();
            return send(ex, p.status(), Map.of("Content-Type", p.contentType(), "Cache-Control", "no-store"),
                    p.body().getBytes(StandardCharsets.UTF_8));
        }
        ApiRoutes.Match match = ApiRoutes.match(method, decode(path));
        if (match == null || match.function() == null) {
            // API Gateway's answer for a path that is no resource of the API, or a method it does not declare
            return gatewayError(ex, 403, "Missing Authentication Token", "MissingAuthenticationTokenException", requestId);
        }
        ApiKeys.Key key = keys.find(ex.getRequestHeaders().getFirst("x-api-key"));
        if (match.route().keyRequired() && key == null) {
            return gatewayError(ex, 403, "Forbidden", "ForbiddenException", requestId);
        }
        int limit = ApiRoutes.bodyLimit(method, match.route());
        if (limit == 0 && hasBody(ex)) {
            return bodyNotAllowed(ex, requestId);
        }
        byte[] body = declaredLength(ex) > limit ? null : readBody(ex.getRequestBody(), limit);
        if (body == null) {
            return gatewayError(ex, 413, "Request Too Long", "RequestTooLongException", PAYLOAD_TOO_LARGE, requestId);
        }
        ObjectNode event = event(ex, method, match, key, body, requestId);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Context context = new LocalLambdaContext(match.function().functionName(), Duration.ofSeconds(29),
                1024, "us-east-1", "000000000000");
        try {
            functions.get(match.function()).handleRequest(
                    new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, context);
        } catch (IOException | RuntimeException e) {
            LOG.error("{} function failed on {} {}", match.function().functionName(), method, path, e);
            // API Gateway's answer when the integration fails
            return gatewayError(ex, 502, "Internal server error", "InternalServerErrorException", requestId);
        }
        return relay(ex, JSON.readTree(out.toByteArray()), requestId);
    }

    /** The REST API proxy event, as API Gateway builds it. */
    private static ObjectNode event(HttpExchange ex, String method, ApiRoutes.Match match, ApiKeys.Key key, byte[] body,
                                    String requestId) {
        ObjectNode event = JSON.createObjectNode();
        event.put("resource", match.route().resource());
        event.put("path", ex.getRequestURI().getRawPath());
        event.put("httpMethod", method);
        ObjectNode headers = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            String name = canonical(h.getKey());
            headers.put(name, h.getValue().get(h.getValue().size() - 1));
            multiHeaders.putPOJO(name, h.getValue());
        }
        Map<String, List<String>> query = query(ex.getRequestURI().getRawQuery());
        if (query.isEmpty()) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode single = event.putObject("queryStringParameters");
            ObjectNode multi = event.putObject("multiValueQueryStringParameters");
            query.forEach((k, v) -> {
                single.put(k, v.get(v.size() - 1));
                multi.putPOJO(k, v);
            });
        }
        if (match.pathParameters().isEmpty()) {
            event.putNull("pathParameters");
        } else {
            ObjectNode params = event.putObject("pathParameters");
            match.pathParameters().forEach(params::put);
        }
        event.putNull("stageVariables");
        ObjectNode rc = event.putObject("requestContext");
        rc.put("resourcePath", match.route().resource());
        rc.put("httpMethod", method);
        rc.put("path", "/" + STAGE + ex.getRequestURI().getRawPath());
        rc.put("stage", STAGE);
        rc.put("requestId", requestId);
        rc.put("requestTimeEpoch", System.currentTimeMillis());
        rc.put("accountId", "000000000000");
        rc.put("protocol", ex.getProtocol());
        ObjectNode identity = rc.putObject("identity");
        identity.put("sourceIp", ex.getRemoteAddress().getAddress().getHostAddress());
        identity.put("userAgent", ex.getRequestHeaders().getFirst("User-Agent"));
        if (key != null) {
            identity.put("apiKeyId", key.id());
            identity.put("apiKey", key.value());
        } else {
            identity.putNull("apiKeyId");
            identity.putNull("apiKey");
        }
        if (body.length == 0) {
            event.putNull("body");
            event.put("isBase64Encoded", false);
        } else if (isText(ex.getRequestHeaders().getFirst("Content-Type"))) {
            event.put("body", new String(body, StandardCharsets.UTF_8));
            event.put("isBase64Encoded", false);
        } else {
            event.put("body", Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", true);
        }
        return event;
    }

    /** Writes the function's proxy response to the client. */
    private static int relay(HttpExchange ex, JsonNode response, String requestId) throws IOException {
        int status = response.path("statusCode").asInt(0);
        if (status < 100 || status > 599) {
            LOG.error("malformed proxy response (statusCode {})", response.path("statusCode"));
            return gatewayError(ex, 502, "Internal server error", "InternalServerErrorException", requestId);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = response.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            headers.put(h.getKey(), h.getValue().asText());
        }
        Headers out = ex.getResponseHeaders();
        for (Iterator<Map.Entry<String, JsonNode>> it = response.path("multiValueHeaders").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            headers.remove(h.getKey());
            h.getValue().forEach(v -> out.add(h.getKey(), v.asText()));
        }
        headers.putIfAbsent("x-amzn-RequestId", requestId);
        JsonNode bodyNode = response.path("body");
        byte[] body;
        if (bodyNode.isNull() || bodyNode.isMissingNode()) {
            body = new byte[0];
        } else if (response.path("isBase64Encoded").asBoolean(false)) {
            body = Base64.getDecoder().decode(bodyNode.asText());
        } else {
            body = bodyNode.asText().getBytes(StandardCharsets.UTF_8);
        }
        return send(ex, status, headers, body);
    }

    private static int gatewayError(HttpExchange ex, int status, String message, String type, String requestId)
            throws IOException {
        return gatewayError(ex, status, message, type, null, requestId);
    }

    /** API Gateway's error shape; {@code code}, when given, is the stable code of a refused body. */
    private static int gatewayError(HttpExchange ex, int status, String message, String type, String code,
                                    String requestId) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("message", message);
        if (code != null) {
            body.put("code", code);
        }
        return send(ex, status, Map.of("Content-Type", "application/json", "x-amzn-ErrorType", type,
                "x-amzn-RequestId", requestId), JSON.writeValueAsBytes(body), code != null);
    }

    private static int send(HttpExchange ex, int status, Map<String, String> headers, byte[] body) throws IOException {
        return send(ex, status, headers, body, false);
    }

    /**
     * Sends the response; {@code refusedBody}: the request's body was refused unread, so once the answer is
     * out the rest of it is read and dropped (up to {@link #DRAIN_LIMIT}) before the connection closes. The
     * JDK server drains only 64 KB: a client still sending a 10 MB body would get a reset, which can discard
     * the answer it has not read yet.
     */
    private static int send(HttpExchange ex, int status, Map<String, String> headers, byte[] body, boolean refusedBody)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        boolean noBody = "HEAD".equalsIgnoreCase(ex.getRequestMethod()) || status == 204 || status == 304;
        ex.sendResponseHeaders(status, noBody ? -1 : body.length == 0 ? -1 : body.length);
        if (!noBody && body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
                if (refusedBody) {
                    os.flush();
                    drain(ex.getRequestBody());
                }
            }
        }
        return status;
    }

    /** Reads and drops what is left of a request body, at most {@link #DRAIN_LIMIT} bytes; stops at any error. */
    private static void drain(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        long left = DRAIN_LIMIT;
        try {
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the client went away: nothing left to protect
        }
    }

    private static int bodyNotAllowed(HttpExchange ex, String requestId) throws IOException {
        return gatewayError(ex, 413, "This resource takes no request body", "RequestTooLongException", BODY_NOT_ALLOWED,
                requestId);
    }

    /** Whether the request announces a body (a non-zero length, or chunks): known before reading it. */
    private static boolean hasBody(HttpExchange ex) {
        return declaredLength(ex) != 0;
    }

    /**
     * The {@code Content-Length}: 0 when there is none and no chunks, -1 for chunks (their length is
     * known only by reading), {@link Long#MAX_VALUE} for a value that is no length.
     */
    private static long declaredLength(HttpExchange ex) {
        Headers h = ex.getRequestHeaders();
        String encoding = h.getFirst("Transfer-Encoding");
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
            return -1;
        }
        String length = h.getFirst("Content-Length");
        if (length == null || length.isBlank()) {
            return 0;
        }
        try {
            long n = Long.parseLong(length.trim());
            return n < 0 ? Long.MAX_VALUE : n;
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The body, or null when it is over {@code limit}: at most {@code limit + 1} bytes are read. */
    private static byte[] readBody(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        return bytes.length > limit ? null : bytes;
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return true;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("text/") || ct.contains("json") || ct.contains("xml")
                || ct.startsWith("application/x-www-form-urlencoded");
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decodeForm(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decodeForm(pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static String decodeForm(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Decodes %XX in a path (not '+', which is literal in paths). */
    private static String decode(String rawPath) {
        try {
            return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return rawPath;
        }
    }

    /** {@code content-type} → {@code Content-Type}: header names as clients usually send them. */
    private static String canonical(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            b.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return b.toString();
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
