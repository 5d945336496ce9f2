package dev.docpipe.logging;

import dev.docpipe.job.Job;
import dev.docpipe.port.StageMessage;
import org.slf4j.MDC;

/**
 * The MDC keys every log line may carry, and who sets them. The JSON encoder writes each as a
 * top-level field. Per-invocation keys ({@link #FUNCTION}, {@link #REQUEST_ID}) are set by
 * {@code lambda.Invocation} and the API event handling; per-record keys by {@code lambda.SqsBatch}
 * and the services once they know the job, and cleared after each record ({@link #clearRecord()}).
 */
public final class LogFields {
    /** The function handling the invocation: {@code ingest}, {@code parse}, … */
    public static final String FUNCTION = "function";
    /** Lambda's request id, or for the API functions API Gateway's (the {@code X-Request-Id} answered). */
    public static final String REQUEST_ID = "requestId";
    /** The SQS message id of the record being handled. */
    public static final String MESSAGE_ID = "messageId";
    public static final String JOB_ID = "jobId";
    /** The trace id a job's messages carry from intake to store. */
    public static final String TRACE_ID = "traceId";
    public static final String STAGE = "stage";
    public static final String PRIORITY = "priority";
    public static final String ATTEMPT = "attempt";
    /** The job's owner: the caller's API key id, never the key. */
    public static final String OWNER = "owner";

    private static final String[] RECORD_KEYS = {MESSAGE_ID, JOB_ID, TRACE_ID, STAGE, PRIORITY, ATTEMPT, OWNER};

    private LogFields() {
    }

    /** The fields a stage message names. */
    public static void message(StageMessage message) {
        MDC.put(JOB_ID, message.jobId().value());
        MDC.put(STAGE, message.stage().wire());
        MDC.put(PRIORITY, message.priority().wire());
        MDC.put(ATTEMPT, Integer.toString(message.attempt()));
        put(TRACE_ID, message.traceId());
    }

    /** The fields of a job as read or registered (its stage is left to the message being handled). */
    public static void job(Job job) {
        MDC.put(JOB_ID, job.id().value());
        MDC.put(OWNER, job.owner());
        MDC.put(PRIORITY, job.priority().wire());
        MDC.put(ATTEMPT, Integer.toString(job.attempt()));
    }

    /** Sets {@code key}, or removes it for a null or empty value. */
    public static void put(String key, String value) {
        if (value == null || value.isEmpty()) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Removes the per-record fields: called after each record, so no line names the previous job. */
    public static void clearRecord() {
        for (String key : RECORD_KEYS) {
            MDC.remove(key);
        }
    }
}
