package dev.docpipe.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.slf4j.event.KeyValuePair;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object per line, the shape CloudWatch Logs and Lambda's JSON log format expect:
 *
 * <pre>{"timestamp":"2026-11-25T10:00:00.123Z","level":"INFO","logger":"dev.docpipe.pipeline.StageRunner",
 * "message":"job … parse done in 12 ms","function":"parse","jobId":"…","stage":"parse","durationMs":12,…}</pre>
 *
 * {@code timestamp}, {@code level}, {@code logger}, {@code message} and {@code thread} come first, then
 * every MDC entry ({@link LogFields}), then the event's key-value pairs (SLF4J's
 * {@code LOG.atInfo().addKeyValue("durationMs", ms)}; numbers stay numbers), then {@code error} (the
 * stack trace) if there is one. Every string goes through {@link Redaction} first. A key-value pair or MDC
 * entry never replaces one of the fixed fields.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NOTHING = new byte[0];
    private static final Set<String> FIXED = Set.of("timestamp", "level", "logger", "message", "thread", "error");

    @Override
    public byte[] headerBytes() {
        return NOTHING;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("message", Redaction.redact(event.getFormattedMessage()));
            g.writeStringField("thread", event.getThreadName());
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null) {
                for (Map.Entry<String, String> e : mdc.entrySet()) {
                    if (!FIXED.contains(e.getKey())) {
                        g.writeStringField(e.getKey(), Redaction.redact(e.getValue()));
                    }
                }
            }
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair kv : event.getKeyValuePairs()) {
                    if (kv.key == null || FIXED.contains(kv.key) || (mdc != null && mdc.containsKey(kv.key))) {
                        continue;
                    }
                    g.writeFieldName(kv.key);
                    writeValue(g, kv.value);
                }
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("error", Redaction.redact(ThrowableProxyUtil.asString(thrown)));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d when Double.isFinite(d) -> g.writeNumber(d);
            case Boolean b -> g.writeBoolean(b);
            default -> g.writeString(Redaction.redact(value.toString()));
        }
    }

    @Override
    public byte[] footerBytes() {
        return NOTHING;
    }
}
