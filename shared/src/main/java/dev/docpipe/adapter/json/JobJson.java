package dev.docpipe.adapter.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobError;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobResult;
import dev.docpipe.job.JobStatus;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.job.Stage;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON form of a {@link Job} and of its maps, for stores and caches that keep documents (the Redis
 * status cache, Postgres' JSON columns). Times are epoch milliseconds.
 */
public final class JobJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Long>> LONG_MAP = new TypeReference<>() {
    };

    private JobJson() {
    }

    public static String write(Job job) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", job.id().value());
        n.put("owner", job.owner());
        n.put("sourceKind", job.source().kind().name());
        n.put("sourceLocation", job.source().location());
        n.put("filename", job.filename());
        n.put("format", job.format() == null ? null : job.format().name());
        n.put("priority", job.priority().name());
        n.set("options", MAPPER.valueToTree(new TreeMap<>(job.options())));
        n.put("dedupKey", job.dedupKey());
        n.put("status", job.status().name());
        n.put("stage", job.stage().name());
        n.put("progress", job.progress());
        n.put("attempt", job.attempt());
        n.put("createdAt", job.createdAt().toEpochMilli());
        n.put("updatedAt", job.updatedAt().toEpochMilli());
        n.set("timestamps", MAPPER.valueToTree(millis(job.timestamps())));
        if (job.error() != null) {
            n.put("errorCode", job.error().code().name());
            n.put("errorMessage", job.error().message());
        }
        if (job.result() != null) {
            n.put("resultLocation", job.result().pdfLocation());
            n.put("resultPages", job.result().pages());
            n.put("resultBytes", job.result().bytes());
        }
        if (job.expiresAt() != null) {
            n.put("expiresAt", job.expiresAt().toEpochMilli());
        }
        return n.toString();
    }

    public static Job read(String json) {
        JsonNode n = tree(json);
        JobError error = n.hasNonNull("errorCode")
                ? new JobError(ErrorCode.valueOf(n.get("errorCode").asText()), n.path("errorMessage").asText(""))
                : null;
        JobResult result = n.hasNonNull("resultLocation")
                ? new JobResult(n.get("resultLocation").asText(), n.path("resultPages").asInt(),
                n.path("resultBytes").asLong())
                : null;
        return new Job(
                new JobId(n.get("id").asText()),
                n.get("owner").asText(),
                new Source(Source.Kind.valueOf(n.get("sourceKind").asText()), n.get("sourceLocation").asText()),
                n.hasNonNull("filename") ? n.get("filename").asText() : null,
                n.hasNonNull("format") ? Format.valueOf(n.get("format").asText()) : null,
                Priority.valueOf(n.get("priority").asText()),
                MAPPER.convertValue(n.path("options"), STRING_MAP),
                n.get("dedupKey").asText(),
                JobStatus.valueOf(n.get("status").asText()),
                Stage.valueOf(n.get("stage").asText()),
                n.path("progress").asInt(),
                n.get("attempt").asInt(),
                Instant.ofEpochMilli(n.get("createdAt").asLong()),
                Instant.ofEpochMilli(n.get("updatedAt").asLong()),
                instants(MAPPER.convertValue(n.path("timestamps"), LONG_MAP)),
                error,
                result,
                n.hasNonNull("expiresAt") ? Instant.ofEpochMilli(n.get("expiresAt").asLong()) : null);
    }

    public static String writeStrings(Map<String, String> map) {
        return MAPPER.valueToTree(new TreeMap<>(map)).toString();
    }

    public static Map<String, String> readStrings(String json) {
        return json == null || json.isEmpty() ? Map.of() : MAPPER.convertValue(tree(json), STRING_MAP);
    }

    public static String writeInstants(Map<String, Instant> map) {
        return MAPPER.valueToTree(millis(map)).toString();
    }

    public static Map<String, Instant> readInstants(String json) {
        return json == null || json.isEmpty() ? Map.of() : instants(MAPPER.convertValue(tree(json), LONG_MAP));
    }

    private static Map<String, Long> millis(Map<String, Instant> map) {
        Map<String, Long> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, v.toEpochMilli()));
        return out;
    }

    private static Map<String, Instant> instants(Map<String, Long> map) {
        Map<String, Instant> out = new LinkedHashMap<>();
        if (map != null) {
            map.forEach((k, v) -> out.put(k, Instant.ofEpochMilli(v)));
        }
        return out;
    }

    private static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed job JSON", e);
        }
    }
}
