package dev.docpipe.fetch;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;

/**
 * A URL fetch that did not produce a document. The code says which kind:
 * <ul>
 *   <li>{@link ErrorCode#FETCH_BLOCKED}: a rule refused the URL or a redirect (scheme, user info, port,
 *       a non-public address, too many redirects). Permanent: retrying cannot help.</li>
 *   <li>{@link ErrorCode#FETCH_FAILED}: the fetch was allowed but did not work (DNS, connection, TLS,
 *       timeout, HTTP status of 400 or more, a malformed response). May succeed later, except where the
 *       answer is final ({@link #isTransient()} false): a host that does not exist, an HTTP 4xx other
 *       than 408, 425 and 429.</li>
 *   <li>{@link ErrorCode#TOO_LARGE}: the body is over the byte limit; reading stopped at the limit.</li>
 * </ul>
 * Messages name the rule and never echo more than an abbreviated URL; a host refused for the addresses
 * it resolves to is only "not allowed" (what it resolves to is logged, never told to the caller).
 */
public final class FetchException extends DocpipeException {
    private final boolean permanent;

    private FetchException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, false);
    }

    private FetchException(ErrorCode code, String message, Throwable cause, boolean permanent) {
        super(code, message, null, cause);
        this.permanent = permanent;
    }

    @Override
    public boolean isTransient() {
        return !permanent && super.isTransient();
    }

    static FetchException blocked(String message) {
        return new FetchException(ErrorCode.FETCH_BLOCKED, message, null);
    }

    static FetchException failed(String message) {
        return new FetchException(ErrorCode.FETCH_FAILED, message, null);
    }

    static FetchException failed(String message, Throwable cause) {
        return new FetchException(ErrorCode.FETCH_FAILED, message, cause);
    }

    /** A {@link ErrorCode#FETCH_FAILED} that another attempt would meet again: not retried. */
    static FetchException failedPermanently(String message, Throwable cause) {
        return new FetchException(ErrorCode.FETCH_FAILED, message, cause, true);
    }

    static FetchException tooLarge(String message) {
        return new FetchException(ErrorCode.TOO_LARGE, message, null);
    }

    /** The same failure, its message prefixed with where it happened (e.g. which redirect). */
    FetchException prefixed(String prefix) {
        return new FetchException(code(), prefix + getMessage(), getCause(), permanent);
    }
}
