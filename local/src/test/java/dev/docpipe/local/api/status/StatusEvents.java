package dev.docpipe.local.api.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.function.status.StatusHandler;
import dev.docpipe.standins.lambda.LocalLambdaContext;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The sample events of events/status, loaded as the Lambda runtime hands them to a stream handler
 * (the raw JSON bytes), with the placeholder job id replaced, and the proxy response parsed back.
 */
final class StatusEvents {
    /** The job id the sample events carry; tests put a real one in its place. */
    static final String SAMPLE_ID = "01936f3e-8c2a-7b1e-9f00-5d2c4a6b8e10";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Context CONTEXT =
            new LocalLambdaContext("status", Duration.ofSeconds(30), 512, "us-east-1", "000000000000");

    private StatusEvents() {
    }

    /** The proxy response: status, headers and the parsed body. */
    record Response(int status, JsonNode headers, JsonNode body) {
        String errorCode() {
            return body.path("error").path("code").asText(null);
        }

        String errorField() {
            return body.path("error").path("field").asText(null);
        }
    }

    /** events/status, found from the module directory, the repository root or any directory between. */
    static Path directory() {
        String configured = System.getProperty("docpipe.events");
        if (configured != null) {
            return Path.of(configured).resolve("status");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("events/status");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("events/status not found above " + Path.of("").toAbsolutePath());
    }

    /** The event file {@code name} with the sample job id replaced by {@code jobId} (null keeps it). */
    static ObjectNode load(String name, String jobId) {
        try {
            String text = Files.readString(directory().resolve(name));
            if (jobId != null) {
                text = text.replace(SAMPLE_ID, jobId);
            }
            return (ObjectNode) JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code event} with its query string parameters replaced (both single and multi-value forms). */
    static ObjectNode withQuery(ObjectNode event, Map<String, String> query) {
        ObjectNode single = event.putObject("queryStringParameters");
        ObjectNode multi = event.putObject("multiValueQueryStringParameters");
        query.forEach((k, v) -> {
            single.put(k, v);
            multi.putArray(k).add(v);
        });
        return event;
    }

    static Response invoke(StatusHandler handler, JsonNode event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, CONTEXT);
            JsonNode response = JSON.readTree(out.toByteArray());
            return new Response(response.path("statusCode").asInt(), response.path("headers"),
                    JSON.readTree(response.path("body").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
