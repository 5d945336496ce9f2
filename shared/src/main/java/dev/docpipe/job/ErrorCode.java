package dev.docpipe.job;

import java.util.Arrays;
import java.util.Locale;

/**
 * The closed set of error codes a job record or an API response can carry. The wire form
 * ({@link #code()}) is stable: clients may switch on it.
 */
public enum ErrorCode {
    INVALID_REQUEST(false),
    UNKNOWN_FIELD(false),
    INVALID_PRIORITY(false),
    INVALID_FORMAT(false),
    INVALID_STATUS(false),
    INVALID_CURSOR(false),
    INVALID_OPTION(false),
    INVALID_MULTIPART(false),
    TOO_LARGE(false),
    UNSUPPORTED_CONTENT(false),
    EMPTY_DOCUMENT(false),
    FETCH_BLOCKED(false),
    FETCH_FAILED(true),
    TOO_MANY_PAGES(false),
    RENDER_TIMEOUT(false),
    RENDER_FAILED(false),
    NOT_FOUND(false),
    UNAUTHORIZED(false),
    METHOD_NOT_ALLOWED(false),
    CONFLICT(false),
    STALE_TRANSITION(false),
    CANCELLED(false),
    RETRIES_EXHAUSTED(false),
    STORE_UNAVAILABLE(true),
    INTERNAL(true);

    private final boolean transientError;

    ErrorCode(boolean transientError) {
        this.transientError = transientError;
    }

    /** The stable wire form, e.g. {@code too_large}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a later attempt may succeed without the input changing. */
    public boolean isTransient() {
        return transientError;
    }

    public static ErrorCode fromCode(String code) {
        return Arrays.stream(values())
                .filter(c -> c.code().equals(code))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown error code: " + code));
    }
}
