package dev.docpipe.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.docpipe.adapter.json.StageMessageJson;
import dev.docpipe.logging.LogFields;
import dev.docpipe.port.Metric;
import dev.docpipe.port.Metrics;
import dev.docpipe.port.StageMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Partial batch responses for SQS-triggered functions: every record is handled on its own, a
 * record that throws is reported in {@code batchItemFailures} (and comes back), the others are
 * acknowledged. One bad record never fails its batch.
 *
 * <p>Each record's log lines carry its {@code messageId} (and a stage message's {@code jobId},
 * {@code stage}, {@code priority}, {@code attempt}, {@code traceId}); the fields are cleared after the record.
 */
public final class SqsBatch {
    private static final Logger LOG = LoggerFactory.getLogger(SqsBatch.class);

    private SqsBatch() {
    }

    /** Handles one raw record; throwing reports it as failed. */
    @FunctionalInterface
    public interface RecordHandler {
        void handle(SQSEvent.SQSMessage record);
    }

    /** Handles one stage message and the number of times SQS has delivered it. */
    @FunctionalInterface
    public interface StageHandler {
        void handle(StageMessage message, int receiveCount);
    }

    public static SQSBatchResponse each(SQSEvent event, RecordHandler handler) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage record : records) {
            LogFields.put(LogFields.MESSAGE_ID, record.getMessageId());
            try {
                handler.handle(record);
            } catch (RuntimeException e) {
                LOG.warn("message {} failed and will be retried: {}", record.getMessageId(), e.toString());
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(record.getMessageId()).build());
            } finally {
                LogFields.clearRecord();
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /**
     * Decodes stage messages; a body that is not one is logged and acknowledged (retrying cannot fix it).
     */
    public static SQSBatchResponse stageMessages(SQSEvent event, StageHandler handler) {
        return stageMessages(event, Metrics.none(), handler);
    }

    /**
     * Like {@link #stageMessages(SQSEvent, StageHandler)}, recording each message's {@code queue_wait}
     * (its age when received) under its stage.
     */
    public static SQSBatchResponse stageMessages(SQSEvent event, Metrics metrics, StageHandler handler) {
        return each(event, record -> {
            StageMessage message;
            try {
                message = StageMessageJson.read(record.getBody());
            } catch (IllegalArgumentException malformed) {
                LOG.error("message {} is not a stage message; dropped: {}", record.getMessageId(), malformed.getMessage());
                return;
            }
            LogFields.message(message);
            queueWaitMillis(record, System.currentTimeMillis())
                    .ifPresent(ms -> metrics.observe(Metric.QUEUE_WAIT, ms, message.stage().wire()));
            handler.handle(message, receiveCount(record));
        });
    }

    /**
     * How long the record waited in its queue: {@code nowMillis} minus SQS's {@code SentTimestamp}
     * (a redelivered message's age includes its earlier attempts); empty without the attribute.
     */
    public static OptionalLong queueWaitMillis(SQSEvent.SQSMessage record, long nowMillis) {
        Map<String, String> attributes = record.getAttributes();
        String sent = attributes == null ? null : attributes.get("SentTimestamp");
        if (sent == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Math.max(0, nowMillis - Long.parseLong(sent)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public static int receiveCount(SQSEvent.SQSMessage record) {
        Map<String, String> attributes = record.getAttributes();
        if (attributes == null) {
            return 1;
        }
        try {
            return Integer.parseInt(attributes.getOrDefault("ApproximateReceiveCount", "1"));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
