package dev.docpipe.config;

import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;

import java.util.ArrayList;
import java.util.List;

/**
 * Queue names, the same in template.yaml, LocalStack and the stand-ins: {@code <prefix>ingest},
 * {@code <prefix><stage>-<priority>} for parse/render/store, and a dead-letter queue per stage,
 * {@code <prefix><stage>-dlq} (ingest's too).
 */
public record QueueNames(String prefix) {
    public static final String DEFAULT_PREFIX = "docpipe-";

    public String ingest() {
        return prefix + "ingest";
    }

    public String ingestDeadLetter() {
        return prefix + "ingest-dlq";
    }

    public String stage(Stage stage, Priority priority) {
        return prefix + stage.wire() + "-" + priority.wire();
    }

    public String deadLetter(Stage stage) {
        return prefix + stage.wire() + "-dlq";
    }

    /** Webhook deliveries (consumed by the webhook function; not in {@link #all()}: its DLQ has no consumer). */
    public String webhook() {
        return prefix + "webhook";
    }

    /** Where webhook messages land after repeated failures of the webhook function itself (not of a receiver). */
    public String webhookDeadLetter() {
        return prefix + "webhook-dlq";
    }

    /** The stage's queues, highest priority first: the order a poller drains them in. */
    public List<String> byPriority(Stage stage) {
        List<String> names = new ArrayList<>();
        for (Priority p : Priority.values()) {
            names.add(stage(stage, p));
        }
        return names;
    }

    /** Every work queue with its dead-letter queue. */
    public List<QueuePair> all() {
        List<QueuePair> pairs = new ArrayList<>();
        pairs.add(new QueuePair(ingest(), ingestDeadLetter()));
        for (Stage s : Stage.values()) {
            for (Priority p : Priority.values()) {
                pairs.add(new QueuePair(stage(s, p), deadLetter(s)));
            }
        }
        return pairs;
    }

    public record QueuePair(String queue, String deadLetter) {
    }

}
