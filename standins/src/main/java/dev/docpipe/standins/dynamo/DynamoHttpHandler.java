package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The HTTP side of DynamoDB's JSON protocol: {@code POST /} with an X-Amz-Target header and a JSON body;
 * replies 200 with the result or 4xx/5xx with {@code {"__type", "message"}}, always with the body's CRC32 in
 * {@code x-amz-crc32} (which the SDK verifies). Request signatures are not checked.
 */
final class DynamoHttpHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoHttpHandler.class);
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

    private final ObjectMapper mapper;
    private final RequestDispatcher dispatcher;

    DynamoHttpHandler(ObjectMapper mapper, RequestDispatcher dispatcher) {
        this.mapper = mapper;
        this.dispatcher = dispatcher;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod())) {
                // what the real endpoint answers to a plain GET: handy as a health check
                send(exchange, 200, "text/plain", "healthy: dynamodb.us-east-1.amazonaws.com ".getBytes(StandardCharsets.UTF_8));
                return;
            }
            int status = 200;
            ObjectNode reply;
            try {
                reply = dispatcher.dispatch(exchange.getRequestHeaders().getFirst("X-Amz-Target"), parse(body));
            } catch (DynamoException e) {
                status = e.status();
                reply = e.body();
            } catch (RuntimeException | StackOverflowError e) {
                LOG.error("DynamoDB stand-in failed on {}", exchange.getRequestHeaders().getFirst("X-Amz-Target"), e);
                DynamoException internal = DynamoException.internal("Internal server error: " + e);
                status = internal.status();
                reply = internal.body();
            }
            send(exchange, status, CONTENT_TYPE, mapper.writeValueAsBytes(reply));
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (JacksonException e) {
            throw DynamoException.serialization("Start of structure or map found where not expected: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw DynamoException.serialization(e.getMessage());
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amz-crc32", Long.toString(crc.getValue()));
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
