package dev.docpipe.local.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * Keeps the servers' and handlers' log lines off the terminal, where they would tear the progress
 * bar: everything goes to a log file in the temporary directory, one JSON object per line as in
 * Lambda ({@code dev.docpipe.logging.JsonLogEncoder}; logback, which s3proxy brings
 * along, configured through {@code logback.configurationFile} before the first logger exists;
 * java.util.logging forwarded to it). The command names the file when something went wrong and
 * deletes it otherwise.
 */
final class Logging {
    private Logging() {
    }

    /**
     * Sends all logging to a new file and returns it; null when there is no log file: the user
     * configured logging ({@code -Dlogback.configurationFile}, left alone), or no file could be
     * written (e.g. no temporary directory; then logging is switched off rather than let logback's
     * default configuration print every DEBUG line to the terminal).
     */
    static Path toFile() {
        try {
            return toFile(Files.createTempFile("docpipe-convert-", ".log"));
        } catch (IOException | RuntimeException e) {
            off();
            return null;
        }
    }

    /** Sends all logging to {@code log} (appending); null when there is none, as {@link #toFile()}. */
    static Path toFile(Path log) {
        if (System.getProperty("logback.configurationFile") != null) {
            return null;
        }
        if (!present("ch.qos.logback.classic.LoggerContext")) {
            off();
            return null;
        }
        Path config = null;
        try {
            config = Files.createTempFile("docpipe-convert-logback-", ".xml");
            Files.writeString(config, """
                    <configuration>
                      <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
                      <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                        <file>%s</file>
                        <append>true</append>
                        <encoder class="dev.docpipe.logging.JsonLogEncoder"/>
                      </appender>
                      <logger name="dev.docpipe" level="INFO"/>
                      <root level="WARN"><appender-ref ref="FILE"/></root>
                    </configuration>
                    """.formatted(xml(log.toAbsolutePath().toString())), StandardCharsets.UTF_8);
            System.setProperty("logback.configurationFile", config.toAbsolutePath().toString());
            LoggerFactory.getILoggerFactory(); // reads the configuration now, while the file exists
            julToSlf4j();
            return log;
        } catch (IOException | RuntimeException e) {
            off();
            return null;
        } finally {
            if (config != null) {
                try {
                    Files.deleteIfExists(config);
                } catch (IOException ignored) {
                    // a stray temp file, nothing more
                }
            }
        }
    }

    /** No logging at all: SLF4J's no-operation provider, java.util.logging without handlers. */
    private static void off() {
        System.setProperty("slf4j.internal.verbosity", "WARN");
        System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        LogManager.getLogManager().reset();
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Logging.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** java.util.logging (used by some libraries) would print to stderr; send it to the same file. */
    private static void julToSlf4j() {
        LogManager.getLogManager().reset();
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                Logger logger = LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
                String message = record.getMessage();
                if (record.getParameters() != null && message != null && message.contains("{0")) {
                    try {
                        message = java.text.MessageFormat.format(message, record.getParameters());
                    } catch (IllegalArgumentException ignored) {
                        // keep the pattern
                    }
                }
                int level = record.getLevel().intValue();
                if (level >= Level.SEVERE.intValue()) {
                    logger.error(message, record.getThrown());
                } else if (level >= Level.WARNING.intValue()) {
                    logger.warn(message, record.getThrown());
                } else if (level >= Level.INFO.intValue()) {
                    logger.info(message, record.getThrown());
                } else {
                    logger.debug(message, record.getThrown());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }
}
