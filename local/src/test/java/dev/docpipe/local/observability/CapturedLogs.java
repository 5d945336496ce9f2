package dev.docpipe.local.observability;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.docpipe.logging.JsonLogEncoder;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every log line of this JVM while open, as the production encoder writes it: an appender with
 * {@link JsonLogEncoder} on logback's root logger, next to the test configuration's own.
 */
final class CapturedLogs implements AutoCloseable {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    private final Logger root;

    CapturedLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        JsonLogEncoder encoder = new JsonLogEncoder();
        encoder.setContext(context);
        encoder.start();
        appender.setContext(context);
        appender.setName("captured-json");
        appender.setEncoder(encoder);
        appender.setOutputStream(buffer);
        appender.setImmediateFlush(true);
        appender.start();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
    }

    /** The raw text written so far. */
    String text() {
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    /** Every line so far, each parsed as the JSON object it must be. */
    List<JsonNode> lines() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = ApiEvents.JSON.readTree(line);
                if (node == null || !node.isObject()) {
                    throw new AssertionError("a log line that is no JSON object: " + line);
                }
                out.add(node);
            } catch (IOException e) {
                throw new UncheckedIOException("a log line that is no JSON: " + line, e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
