package dev.docpipe.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.DedupKey;
import dev.docpipe.job.JobId;
import dev.docpipe.port.BlobRef;
import dev.docpipe.port.Blobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Webhook state, as small JSON objects in the bucket under {@value #PREFIX}:
 * <ul>
 *   <li>{@code webhooks/jobs/<job id>.json} — the job's callback URL (written before its first stage message);</li>
 *   <li>{@code webhooks/keys/<sha-256 of the API key id, 32 hex>.json} — the key's {@link WebhookKey};</li>
 *   <li>{@code webhooks/deliveries/<job id>/<event id>.json} — each event's {@link Delivery}.</li>
 * </ul>
 * Each object has one writer at a time in the normal course (the submit call, the key's owner, the
 * event's own retry chain); the job-scoped ones go with the job (retention's lifecycle rule on the prefix).
 */
public final class WebhookRecords {
    public static final String PREFIX = "webhooks/";
    private static final String JSON_TYPE = "application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Blobs blobs;
    private final String bucket;

    /** The key of a job's subscription (its callback URL). */
    public static String jobKey(JobId job) {
        return PREFIX + "jobs/" + job.value() + ".json";
    }

    /** The prefix under which a job's delivery records lie. */
    public static String deliveriesPrefix(JobId job) {
        return PREFIX + "deliveries/" + job.value() + "/";
    }

    public WebhookRecords(Blobs blobs, String bucket) {
        this.blobs = blobs;
        this.bucket = bucket;
    }

    // --- subscriptions

    public void putCallback(JobId job, String url) {
        ObjectNode n = JSON.createObjectNode();
        n.put("callbackUrl", url);
        put(new BlobRef(bucket, jobKey(job)), n);
    }

    public Optional<String> callback(JobId job) {
        return read(new BlobRef(bucket, jobKey(job)))
                .map(n -> n.path("callbackUrl").asText(null));
    }

    // --- per API key

    public WebhookKey key(String owner) {
        return read(keyRef(owner)).map(WebhookRecords::keyOf).orElse(WebhookKey.empty());
    }

    public void putKey(String owner, WebhookKey key) {
        ObjectNode n = JSON.createObjectNode();
        if (key.defaultCallbackUrl() != null) {
            n.put("defaultCallbackUrl", key.defaultCallbackUrl());
        }
        ArrayNode secrets = n.putArray("secrets");
        for (WebhookKey.Secret s : key.secrets()) {
            ObjectNode o = secrets.addObject();
            o.put("id", s.id());
            o.put("value", s.value());
            o.put("createdAt", s.createdAt().toString());
            if (s.expiresAt() != null) {
                o.put("expiresAt", s.expiresAt().toString());
            }
        }
        put(keyRef(owner), n);
    }

    private BlobRef keyRef(String owner) {
        return new BlobRef(bucket, PREFIX + "keys/" + DedupKey.sha256Hex(owner).substring(0, 32) + ".json");
    }

    private static WebhookKey keyOf(JsonNode n) {
        List<WebhookKey.Secret> secrets = new ArrayList<>();
        for (JsonNode s : n.path("secrets")) {
            secrets.add(new WebhookKey.Secret(s.path("id").asText(), s.path("value").asText(),
                    Instant.parse(s.path("createdAt").asText()),
                    s.hasNonNull("expiresAt") ? Instant.parse(s.path("expiresAt").asText()) : null));
        }
        return new WebhookKey(n.path("defaultCallbackUrl").asText(null), secrets);
    }

    // --- deliveries

    public Optional<Delivery> delivery(JobId job, String eventId) {
        return read(deliveryRef(job, eventId)).map(WebhookRecords::deliveryOf);
    }

    public void putDelivery(JobId job, Delivery d) {
        put(deliveryRef(job, d.eventId()), view(d));
    }

    /** Every event's delivery of a job, oldest attempt first. */
    public List<Delivery> deliveries(JobId job) {
        List<Delivery> all = new ArrayList<>();
        for (Blobs.BlobInfo info : blobs.list(bucket, deliveriesPrefix(job), null, 100)) {
            read(info.ref()).map(WebhookRecords::deliveryOf).ifPresent(all::add);
        }
        all.sort(Comparator.comparing(d -> d.attempts().isEmpty() ? Instant.MAX : d.attempts().get(0).at()));
        return all;
    }

    private BlobRef deliveryRef(JobId job, String eventId) {
        return new BlobRef(bucket, deliveriesPrefix(job) + eventId + ".json");
    }

    private static Delivery deliveryOf(JsonNode n) {
        List<Delivery.Attempt> attempts = new ArrayList<>();
        for (JsonNode a : n.path("attempts")) {
            attempts.add(new Delivery.Attempt(a.path("attempt").asInt(), Instant.parse(a.path("at").asText()),
                    a.path("httpStatus").asInt(0), a.path("outcome").asText()));
        }
        return new Delivery(n.path("eventId").asText(), n.path("type").asText(), n.path("url").asText(),
                n.path("status").asText(), attempts,
                n.hasNonNull("nextAttemptAt") ? Instant.parse(n.path("nextAttemptAt").asText()) : null);
    }

    /** The delivery as the API shows it. */
    public static ObjectNode view(Delivery d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("eventId", d.eventId());
        n.put("type", d.type());
        n.put("url", d.url());
        n.put("status", d.status());
        ArrayNode attempts = n.putArray("attempts");
        for (Delivery.Attempt a : d.attempts()) {
            ObjectNode o = attempts.addObject();
            o.put("attempt", a.attempt());
            o.put("at", a.at().toString());
            if (a.httpStatus() > 0) {
                o.put("httpStatus", a.httpStatus());
            }
            o.put("outcome", a.outcome());
        }
        if (d.nextAttemptAt() != null) {
            n.put("nextAttemptAt", d.nextAttemptAt().toString());
        }
        return n;
    }

    // --- plumbing

    private void put(BlobRef ref, ObjectNode n) {
        blobs.put(ref, n.toString().getBytes(StandardCharsets.UTF_8), JSON_TYPE, Map.of());
    }

    private Optional<JsonNode> read(BlobRef ref) {
        return blobs.get(ref).map(b -> {
            try {
                return JSON.readTree(b.bytes());
            } catch (IOException e) {
                throw new IllegalStateException("unreadable webhook record " + ref.key(), e);
            }
        });
    }
}
