package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.util.Diagnostic;
import com.openhtmltopdf.util.XRLog;
import com.openhtmltopdf.util.XRLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.logging.Level;

/**
 * Sends openhtmltopdf's log lines to SLF4J instead of java.util.logging on stderr. openhtmltopdf
 * logs at INFO for every render and at WARNING for every resource it was refused, so levels are
 * lowered: SEVERE becomes warn, WARNING debug, everything else trace (the lines can carry URIs
 * from the document, which stay out of normal logs). Installed once per JVM.
 */
final class Slf4jXRLogger implements XRLogger {
    private static volatile boolean installed;

    static void install() {
        if (!installed) {
            synchronized (Slf4jXRLogger.class) {
                if (!installed) {
                    XRLog.setLoggerImpl(new Slf4jXRLogger());
                    installed = true;
                }
            }
        }
    }

    private static Logger logger(String where) {
        return LoggerFactory.getLogger(where == null || where.isEmpty() ? "com.openhtmltopdf" : where);
    }

    @Override
    public void log(String where, Level level, String msg) {
        log(where, level, msg, null);
    }

    @Override
    public void log(String where, Level level, String msg, Throwable th) {
        Logger log = logger(where);
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            log.warn(msg, th);
        } else if (value >= Level.WARNING.intValue()) {
            log.debug(msg, th);
        } else {
            log.trace(msg, th);
        }
    }

    @Override
    public void setLevel(String logger, Level level) {
        // levels are the SLF4J binding's business
    }

    @Override
    public boolean isLogLevelEnabled(Diagnostic diagnostic) {
        int value = diagnostic.getLevel().intValue();
        Logger log = LoggerFactory.getLogger("com.openhtmltopdf");
        if (value >= Level.SEVERE.intValue()) {
            return log.isWarnEnabled();
        }
        if (value >= Level.WARNING.intValue()) {
            return log.isDebugEnabled();
        }
        return log.isTraceEnabled();
    }
}
