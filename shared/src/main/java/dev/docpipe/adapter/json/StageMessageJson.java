package dev.docpipe.adapter.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;
import dev.docpipe.port.StageMessage;

/**
 * The SQS body of a {@link StageMessage}: {@code {"jobId","stage","priority","attempt","traceId","owner"}},
 * wire names lower case; {@code owner} is written only when known and read as empty when absent
 * (messages from before it existed).
 */
public final class StageMessageJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StageMessageJson() {
    }

    public static String write(StageMessage m) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("jobId", m.jobId().value());
        n.put("stage", m.stage().wire());
        n.put("priority", m.priority().wire());
        n.put("attempt", m.attempt());
        n.put("traceId", m.traceId());
        if (!m.owner().isEmpty()) {
            n.put("owner", m.owner());
        }
        return n.toString();
    }

    /** @throws IllegalArgumentException for a body that is not a stage message */
    public static StageMessage read(String body) {
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || !n.isObject() || !n.hasNonNull("jobId") || !n.hasNonNull("stage")) {
                throw new IllegalArgumentException("not a stage message");
            }
            if (!JobId.isValid(n.get("jobId").asText())) {
                throw new IllegalArgumentException("not a job id");
            }
            return new StageMessage(new JobId(n.get("jobId").asText()), Stage.parse(n.get("stage").asText()),
                    Priority.parse(n.path("priority").asText("default")), n.path("attempt").asInt(1),
                    n.path("traceId").asText(""), n.path("owner").asText(""));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed stage message", e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("malformed stage message: " + e.getMessage(), e);
        }
    }
}
