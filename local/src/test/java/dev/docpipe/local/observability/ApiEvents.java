package dev.docpipe.local.observability;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.standins.lambda.LocalLambdaContext;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** API Gateway events from the events/ files, with the caller's key and body of a test. */
public final class ApiEvents {
    static final ObjectMapper JSON = new ObjectMapper();

    private ApiEvents() {
    }

    /** An answer: status code and parsed body. */
    public record Answer(int status, JsonNode body) {
    }

    /**
     * {@code file} under events/ (e.g. {@code submit/post-jobs-inline.json}) with {@code apiKeyId} as the owner, {@code apiKey} as the key value
     * (header and identity) and {@code body}.
     */
    public static ObjectNode event(String file, String apiKeyId, String apiKey, String body) throws IOException {
        ObjectNode e = (ObjectNode) JSON.readTree(dir().resolve(file).toFile());
        ObjectNode rc = (ObjectNode) e.path("requestContext");
        rc.put("requestId", "it-" + UUID.randomUUID());
        ObjectNode identity = (ObjectNode) rc.path("identity");
        identity.put("apiKeyId", apiKeyId);
        identity.put("apiKey", apiKey);
        ((ObjectNode) e.path("headers")).put("X-API-Key", apiKey);
        ((ObjectNode) e.path("multiValueHeaders")).putArray("X-API-Key").add(apiKey);
        e.put("body", body);
        return e;
    }

    /** {@code event} aimed at the job {@code id} (its path, path parameter and request path). */
    public static ObjectNode forJob(ObjectNode event, String id) {
        String template = event.path("pathParameters").path("id").asText();
        event.put("path", event.path("path").asText().replace(template, id));
        ((ObjectNode) event.path("pathParameters")).put("id", id);
        ObjectNode rc = (ObjectNode) event.path("requestContext");
        rc.put("path", rc.path("path").asText().replace(template, id));
        return event;
    }

    public static Answer invoke(RequestStreamHandler handler, ObjectNode event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out,
                new LocalLambdaContext("submit", Duration.ofSeconds(30), 512, "us-east-1", "000000000000"));
        JsonNode response = JSON.readTree(out.toByteArray());
        return new Answer(response.path("statusCode").asInt(), JSON.readTree(response.path("body").asText()));
    }

    private static Path dir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("events");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no events/ above " + Path.of("").toAbsolutePath());
    }
}
