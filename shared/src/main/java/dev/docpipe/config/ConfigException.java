package dev.docpipe.config;

/** A missing or malformed setting; the message names the environment variable and how to fix it. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
