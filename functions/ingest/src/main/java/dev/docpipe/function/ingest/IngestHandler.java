package dev.docpipe.function.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.docpipe.config.Components;
import dev.docpipe.job.JobId;
import dev.docpipe.lambda.Invocation;
import dev.docpipe.lambda.SnapStartPriming;
import dev.docpipe.port.BlobRef;
import dev.docpipe.lambda.SqsBatch;
import dev.docpipe.pipeline.UploadIntake;
import dev.docpipe.port.Metric;
import dev.docpipe.port.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * SQS-triggered (the ingest queue): each record's body is an S3 event notification. S3's
 * {@code s3:TestEvent} has no records and is acknowledged; a body that is not a notification is
 * logged and dropped (retrying cannot fix it).
 */
public final class IngestHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);
    private static final PojoSerializer<S3EventNotification> NOTIFICATIONS =
            LambdaEventSerializers.serializerFor(S3EventNotification.class, IngestHandler.class.getClassLoader());

    private final UploadIntake uploads;
    private final Metrics metrics;

    /** Lambda: the components of this execution environment; primed before a SnapStart snapshot ({@link #prime}). */
    public IngestHandler() {
        this(Components.fromEnvironment());
        SnapStartPriming.register("ingest", () -> prime(SnapStartPriming.quiet(Components.fromEnvironment())));
    }

    /** The notification S3 sends when a bucket's notifications are set up: no records. */
    static final String S3_TEST_EVENT = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-01-01T00:00:00.000Z\","
            + "\"Bucket\":\"priming\",\"RequestId\":\"priming\",\"HostId\":\"priming\"}";

    /**
     * What the SnapStart hook runs: S3's test notification through the whole handler (the event
     * deserialiser; no records, so no job), a read of a job that cannot exist and a look at an upload
     * that is not there (absent), which build and warm the DynamoDB and S3 clients. Writes nothing
     * anywhere.
     */
    public static void prime(Components quiet) {
        new IngestHandler(quiet).handleRequest(SnapStartPriming.sqsEvent(S3_TEST_EVENT), null);
        JobId nobody = JobId.newId(Instant.now());
        quiet.store().get(nobody);
        quiet.blobs().head(new BlobRef(quiet.config().bucket(), "uploads/snapstart-priming/" + nobody.value()));
    }

    public IngestHandler(Components c) {
        this(new UploadIntake(c.blobs(), c.intake(), c.config().bucket()), c.metrics());
    }

    public IngestHandler(UploadIntake uploads) {
        this(uploads, Metrics.none());
    }

    /** @param metrics the sink the intake records into; flushed at the end of each invocation */
    public IngestHandler(UploadIntake uploads, Metrics metrics) {
        this.uploads = uploads;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try (Invocation ignored = Invocation.start("ingest", context, metrics)) {
            return handle(event);
        }
    }

    private SQSBatchResponse handle(SQSEvent event) {
        return SqsBatch.each(event, record -> {
            SqsBatch.queueWaitMillis(record, System.currentTimeMillis())
                    .ifPresent(ms -> metrics.observe(Metric.QUEUE_WAIT, ms, "ingest"));
            S3EventNotification notification;
            try {
                notification = NOTIFICATIONS.fromJson(record.getBody());
            } catch (RuntimeException malformed) {
                LOG.error("message {} is not an S3 notification; dropped", record.getMessageId());
                return;
            }
            if (notification == null || notification.getRecords() == null) {
                return; // s3:TestEvent
            }
            for (S3EventNotification.S3EventNotificationRecord r : notification.getRecords()) {
                uploads.onEvent(r.getEventName(), r.getS3().getBucket().getName(), r.getS3().getObject().getUrlDecodedKey(),
                        record.getMessageId());
            }
        });
    }
}
