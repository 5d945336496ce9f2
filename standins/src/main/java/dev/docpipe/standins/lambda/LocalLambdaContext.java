package dev.docpipe.standins.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * The {@link Context} of one local invocation: a fresh {@code awsRequestId}, the function's name and
 * ARN, the time left until the configured timeout, and a {@link LambdaLogger} that writes to the
 * SLF4J logger {@code lambda.<functionName>} (one line per call, a trailing newline dropped).
 */
public final class LocalLambdaContext implements Context {
    private final String requestId = UUID.randomUUID().toString();
    private final String functionName;
    private final String region;
    private final String accountId;
    private final int memoryLimitMb;
    private final long deadlineNanos;
    private final String logStreamName;
    private final LambdaLogger logger;

    /** A context whose invocation starts now and may run for {@code timeout}. */
    public LocalLambdaContext(String functionName, Duration timeout, int memoryLimitMb, String region, String accountId) {
        this.functionName = Objects.requireNonNull(functionName, "functionName");
        this.region = Objects.requireNonNull(region, "region");
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        this.memoryLimitMb = memoryLimitMb;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.logStreamName = LocalDate.now(ZoneOffset.UTC).toString().replace('-', '/') + "/[$LATEST]" + STREAM_ID;
        this.logger = new Slf4jLambdaLogger(LoggerFactory.getLogger("lambda." + functionName));
    }

    /** One log stream per JVM, as one execution environment has one. */
    private static final String STREAM_ID = UUID.randomUUID().toString().replace("-", "");

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return logStreamName;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    /** Milliseconds until the configured timeout; 0 once it has passed. */
    @Override
    public int getRemainingTimeInMillis() {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, left));
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryLimitMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    /** Whether the configured timeout has passed. */
    public boolean timedOut() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    private record Slf4jLambdaLogger(Logger log) implements LambdaLogger {
        @Override
        public void log(String message) {
            log(message, LogLevel.UNDEFINED);
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8), LogLevel.UNDEFINED);
        }

        @Override
        public void log(byte[] message, LogLevel level) {
            log(new String(message, StandardCharsets.UTF_8), level);
        }

        @Override
        public void log(String message, LogLevel level) {
            String line = message == null ? "null" : message.endsWith("\n") ? message.substring(0, message.length() - 1) : message;
            switch (level == null ? LogLevel.UNDEFINED : level) {
                case TRACE -> log.trace("{}", line);
                case DEBUG -> log.debug("{}", line);
                case WARN -> log.warn("{}", line);
                case ERROR, FATAL -> log.error("{}", line);
                default -> log.info("{}", line);
            }
        }
    }
}
