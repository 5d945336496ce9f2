package dev.docpipe.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.DedupKey;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;

import java.util.Locale;

/**
 * The event posted when a job finishes:
 * <pre>{"id":"evt_…","type":"job.completed","jobId":"…","status":"completed","attempt":1,
 *  "occurredAt":"2026-12-05T09:00:00.123Z","result":{"pages":2,"bytes":1834}}</pre>
 * {@code error} ({@code code}, {@code message}) instead of {@code result} for {@code job.failed} and
 * {@code job.cancelled} (code {@code cancelled}).
 *
 * <p>Everything in it is a function of the job as stored in its terminal state: the id of (job id,
 * attempt, status), {@code occurredAt} the job's {@code updatedAt}. So a repeated stage message that
 * finds the job finished queues the very same event, byte for byte, never a second one.
 *
 * @param body the JSON exactly as signed and posted
 */
public record WebhookEvent(String id, String type, JobId jobId, String owner, String body) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The event of a job in a terminal state. */
    public static WebhookEvent of(Job job) {
        if (!job.status().isTerminal()) {
            throw new IllegalArgumentException("job " + job.id() + " is " + job.status().wire() + ", not finished");
        }
        String id = eventId(job.id(), job.attempt(), job.status());
        String type = "job." + job.status().wire();
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("type", type);
        n.put("jobId", job.id().value());
        n.put("status", job.status().wire());
        n.put("attempt", job.attempt());
        n.put("occurredAt", job.updatedAt().toString());
        if (job.status() == JobStatus.COMPLETED && job.result() != null) {
            ObjectNode r = n.putObject("result");
            r.put("pages", job.result().pages());
            r.put("bytes", job.result().bytes());
        }
        if (job.status() != JobStatus.COMPLETED && job.error() != null) {
            ObjectNode e = n.putObject("error");
            e.put("code", job.error().code().code());
            e.put("message", job.error().message());
        }
        return new WebhookEvent(id, type, job.id(), job.owner(), n.toString());
    }

    /** {@code evt_} and 32 hex digits of SHA-256 over job id, attempt and outcome: one id per outcome. */
    public static String eventId(JobId jobId, int attempt, JobStatus status) {
        String digest = DedupKey.sha256Hex(jobId.value() + "|" + attempt + "|" + status.wire().toLowerCase(Locale.ROOT));
        return "evt_" + digest.substring(0, 32);
    }
}
