package dev.docpipe.adapter.redis;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An slf4j logger that keeps every WARN and INFO line it is given (a hand-written fake, no mocks). */
final class RecordingLogger extends LegacyAbstractLogger {
    record Line(Level level, String message) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    RecordingLogger() {
        this.name = "recording";
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    List<String> at(Level level) {
        return lines.stream().filter(l -> l.level() == level).map(Line::message).toList();
    }

    void clear() {
        lines.clear();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                               Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, args);
        lines.add(new Line(level, message));
        if (level.toInt() >= Level.INFO.toInt()) {
            System.out.println("[log " + level + "] " + message);
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }
}
