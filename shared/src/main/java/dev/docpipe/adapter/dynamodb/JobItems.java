package dev.docpipe.adapter.dynamodb;

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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Job ⇄ DynamoDB item. Times are epoch milliseconds; {@code ttl} is epoch seconds (DynamoDB TTL). */
final class JobItems {
    static final String JOB_PREFIX = "job#";
    static final String DEDUP_PREFIX = "dedup#";

    private JobItems() {
    }

    static Map<String, AttributeValue> jobKey(JobId id) {
        return Map.of("pk", s(JOB_PREFIX + id.value()));
    }

    static Map<String, AttributeValue> dedupKey(String dedupKey) {
        return Map.of("pk", s(DEDUP_PREFIX + dedupKey));
    }

    static Map<String, AttributeValue> dedupItem(Job job) {
        Map<String, AttributeValue> item = new HashMap<>(dedupKey(job.dedupKey()));
        item.put("jobId", s(job.id().value()));
        return item;
    }

    static Map<String, AttributeValue> toItem(Job job, int shards) {
        Map<String, AttributeValue> item = new HashMap<>(jobKey(job.id()));
        item.put("id", s(job.id().value()));
        item.put("owner", s(job.owner()));
        item.put("sourceKind", s(job.source().kind().name()));
        item.put("sourceLocation", s(job.source().location()));
        if (job.filename() != null) {
            item.put("filename", s(job.filename()));
        }
        if (job.format() != null) {
            item.put("format", s(job.format().name()));
        }
        item.put("priority", s(job.priority().name()));
        item.put("options", AttributeValue.fromM(strings(job.options())));
        item.put("dedupKey", s(job.dedupKey()));
        item.put("status", s(job.status().name()));
        item.put("stage", s(job.stage().name()));
        item.put("stageRank", n(job.stage().rank()));
        item.put("progress", n(job.progress()));
        item.put("attempt", n(job.attempt()));
        item.put("createdAt", n(job.createdAt().toEpochMilli()));
        item.put("updatedAt", n(job.updatedAt().toEpochMilli()));
        item.put("ts", AttributeValue.fromM(instants(job.timestamps())));
        if (job.error() != null) {
            item.put("errorCode", s(job.error().code().name()));
            item.put("errorMessage", s(job.error().message()));
        }
        if (job.result() != null) {
            item.put("resultLocation", s(job.result().pdfLocation()));
            item.put("resultPages", n(job.result().pages()));
            item.put("resultBytes", n(job.result().bytes()));
        }
        if (job.expiresAt() != null) {
            item.put("expiresAtMs", n(job.expiresAt().toEpochMilli()));
            item.put(DynamoDbTables.TTL_ATTRIBUTE, n(ttlSeconds(job.expiresAt())));
        }
        item.put("gsi1pk", s(ownerPartition(job.owner())));
        item.put("gsi1sk", s(job.id().value()));
        if (job.status().isActive()) {
            item.put("gsi2pk", s(activePartition(job.status(), job.id(), shards)));
            item.put("gsi2sk", s(activeSortKey(job.updatedAt(), job.id())));
        }
        return item;
    }

    static Job fromItem(Map<String, AttributeValue> item) {
        JobError error = item.containsKey("errorCode")
                ? new JobError(ErrorCode.valueOf(str(item, "errorCode")), str(item, "errorMessage"))
                : null;
        JobResult result = item.containsKey("resultLocation")
                ? new JobResult(str(item, "resultLocation"), (int) num(item, "resultPages"), num(item, "resultBytes"))
                : null;
        Map<String, String> options = new HashMap<>();
        item.getOrDefault("options", AttributeValue.fromM(Map.of())).m().forEach((k, v) -> options.put(k, v.s()));
        Map<String, Instant> stamps = new LinkedHashMap<>();
        item.getOrDefault("ts", AttributeValue.fromM(Map.of())).m()
                .forEach((k, v) -> stamps.put(k, Instant.ofEpochMilli(Long.parseLong(v.n()))));
        return new Job(
                new JobId(str(item, "id")),
                str(item, "owner"),
                new Source(Source.Kind.valueOf(str(item, "sourceKind")), str(item, "sourceLocation")),
                str(item, "filename"),
                item.containsKey("format") ? Format.valueOf(str(item, "format")) : null,
                Priority.valueOf(str(item, "priority")),
                options,
                str(item, "dedupKey"),
                JobStatus.valueOf(str(item, "status")),
                Stage.valueOf(str(item, "stage")),
                (int) num(item, "progress"),
                (int) num(item, "attempt"),
                Instant.ofEpochMilli(num(item, "createdAt")),
                Instant.ofEpochMilli(num(item, "updatedAt")),
                stamps,
                error,
                result,
                item.containsKey("expiresAtMs") ? Instant.ofEpochMilli(num(item, "expiresAtMs")) : null);
    }

    static boolean isExpired(Map<String, AttributeValue> item, Instant now) {
        return item.containsKey("expiresAtMs") && num(item, "expiresAtMs") <= now.toEpochMilli();
    }

    static String ownerPartition(String owner) {
        return "owner#" + owner;
    }

    /** The active-jobs partition: status plus a shard derived from the id, so writes spread evenly. */
    static String activePartition(JobStatus status, JobId id, int shards) {
        return activePartition(status, Math.floorMod(id.value().hashCode(), shards));
    }

    static String activePartition(JobStatus status, int shard) {
        return "active#" + status.name() + "#" + shard;
    }

    static String activeSortKey(Instant updatedAt, JobId id) {
        return String.format("%013d#%s", updatedAt.toEpochMilli(), id.value());
    }

    static long ttlSeconds(Instant expiresAt) {
        return (expiresAt.toEpochMilli() + 999) / 1000;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static Map<String, AttributeValue> instants(Map<String, Instant> map) {
        Map<String, AttributeValue> out = new HashMap<>();
        map.forEach((k, v) -> out.put(k, n(v.toEpochMilli())));
        return out;
    }

    private static Map<String, AttributeValue> strings(Map<String, String> map) {
        Map<String, AttributeValue> out = new HashMap<>();
        map.forEach((k, v) -> out.put(k, s(v)));
        return out;
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }
}
