package dev.docpipe.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.JobId;

import java.io.IOException;
import java.time.Instant;

/**
 * A message of the webhook queue: the event (its body as it will be signed) and which delivery attempt
 * this message is for. {@code notBefore} makes waits longer than SQS's 15-minute delay possible: a
 * message received early is sent back with the rest of the wait.
 */
public record WebhookMessage(String eventId, String type, JobId jobId, String owner, String body, int attempt,
                             Instant notBefore) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static WebhookMessage first(WebhookEvent event) {
        return new WebhookMessage(event.id(), event.type(), event.jobId(), event.owner(), event.body(), 1, null);
    }

    public WebhookMessage next(Instant at) {
        return new WebhookMessage(eventId, type, jobId, owner, body, attempt + 1, at);
    }

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("eventId", eventId);
        n.put("type", type);
        n.put("jobId", jobId.value());
        n.put("owner", owner);
        n.put("attempt", attempt);
        if (notBefore != null) {
            n.put("notBefore", notBefore.toEpochMilli());
        }
        n.put("body", body);
        return n.toString();
    }

    /** @throws IllegalArgumentException when the text is not a webhook message */
    public static WebhookMessage parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject() || !n.path("eventId").isTextual() || !n.path("body").isTextual()
                    || !n.path("attempt").canConvertToInt() || n.path("attempt").asInt() < 1) {
                throw new IllegalArgumentException("not a webhook message");
            }
            return new WebhookMessage(n.path("eventId").asText(), n.path("type").asText(),
                    new JobId(n.path("jobId").asText()), n.path("owner").asText(), n.path("body").asText(),
                    n.path("attempt").asInt(),
                    n.hasNonNull("notBefore") ? Instant.ofEpochMilli(n.path("notBefore").asLong()) : null);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a webhook message: " + e.getMessage(), e);
        }
    }
}
