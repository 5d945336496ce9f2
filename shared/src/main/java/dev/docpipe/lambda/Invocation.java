package dev.docpipe.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.docpipe.logging.LogFields;
import dev.docpipe.port.Metrics;
import org.slf4j.MDC;

/**
 * One handler invocation, as a try-with-resources block: its log lines carry {@code function} and
 * Lambda's {@code requestId}; at the end the metrics recorded during it are flushed (EMF in Lambda) and
 * the log fields are cleared.
 *
 * <pre>{@code try (Invocation ignored = Invocation.start("parse", context, metrics)) { … } }</pre>
 */
public final class Invocation implements AutoCloseable {
    private final Metrics metrics;

    private Invocation(Metrics metrics) {
        this.metrics = metrics;
    }

    /** @param context Lambda's context, or null (tests, some local callers) */
    public static Invocation start(String function, Context context, Metrics metrics) {
        MDC.put(LogFields.FUNCTION, function);
        LogFields.put(LogFields.REQUEST_ID, context == null ? null : context.getAwsRequestId());
        return new Invocation(metrics);
    }

    @Override
    public void close() {
        try {
            metrics.flush();
        } finally {
            LogFields.clearRecord();
            MDC.remove(LogFields.REQUEST_ID);
            MDC.remove(LogFields.FUNCTION);
        }
    }
}
