package dev.docpipe.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * An HTTP proxy in front of a DynamoDB-protocol server that answers chosen requests itself with the
 * error DynamoDB would send (status, {@code __type}, cancellation reasons, {@code x-amz-crc32}), without
 * forwarding them: what the SDK parses is a wire-level answer, and the server never saw the write.
 * Everything else is forwarded unchanged.
 */
public final class DynamoFaultProxy implements AutoCloseable {
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");
    private static final String PREFIX = "com.amazonaws.dynamodb.v20120810#";

    private final URI target;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, Deque<String>> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

    public DynamoFaultProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * The next {@code times} calls of {@code operation} (e.g. {@code TransactWriteItems}) are cancelled with
     * these reasons, one per action in request order ({@code None}, {@code TransactionConflict},
     * {@code ThrottlingError}, …).
     */
    public void cancelTransactions(String operation, int times, List<String> reasons) {
        StringBuilder array = new StringBuilder();
        for (String code : reasons) {
            array.append(array.isEmpty() ? "" : ",").append("{\"Code\":\"").append(code).append('"')
                    .append(code.equals("None") ? "" : ",\"Message\":\"" + messageOf(code) + "\"").append('}');
        }
        String body = "{\"__type\":\"" + PREFIX + "TransactionCanceledException\",\"Message\":\"Transaction cancelled,"
                + " please refer cancellation reasons for specific reasons [" + String.join(", ", reasons) + "]\","
                + "\"CancellationReasons\":[" + array + "]}";
        add(operation, times, body);
    }

    /** The next {@code times} calls of {@code operation} fail with {@code TransactionConflictException}. */
    public void conflict(String operation, int times) {
        add(operation, times, "{\"__type\":\"" + PREFIX + "TransactionConflictException\","
                + "\"message\":\"Transaction is ongoing for the item\"}");
    }

    /** How many calls of {@code operation} reached the proxy (answered or forwarded). */
    public int calls(String operation) {
        return seen.computeIfAbsent(operation, o -> new AtomicInteger()).get();
    }

    private void add(String operation, int times, String body) {
        Deque<String> queue = faults.computeIfAbsent(operation, o -> new ArrayDeque<>());
        synchronized (queue) {
            for (int i = 0; i < times; i++) {
                queue.add(body);
            }
        }
    }

    private static String messageOf(String code) {
        return switch (code) {
            case "TransactionConflict" -> "Transaction is ongoing for the item";
            case "ThrottlingError" -> "Throughput exceeds the current capacity for one or more global secondary"
                    + " indexes. DynamoDB is automatically scaling your index so please be patient";
            case "ConditionalCheckFailed" -> "The conditional request failed";
            default -> code;
        };
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] request = in.readAllBytes();
            String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = amzTarget == null ? "" : amzTarget.substring(amzTarget.indexOf('.') + 1);
            seen.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet();
            String fault = nextFault(operation);
            if (fault != null) {
                respond(exchange, 400, Map.of("Content-Type", "application/x-amz-json-1.0"),
                        fault.getBytes(StandardCharsets.UTF_8));
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(request));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> forward.header(name, v));
                }
            });
            HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> headers = new java.util.HashMap<>();
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    headers.put(name, values.get(0));
                }
            });
            respond(exchange, answer.statusCode(), headers, answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String nextFault(String operation) {
        Deque<String> queue = faults.get(operation);
        if (queue == null) {
            return null;
        }
        synchronized (queue) {
            return queue.poll();
        }
    }

    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        CRC32 crc = new CRC32();
        crc.update(body);
        exchange.getResponseHeaders().set("x-amz-crc32", Long.toString(crc.getValue()));
        exchange.getResponseHeaders().putIfAbsent("x-amzn-RequestId", List.of(UUID.randomUUID().toString()));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
