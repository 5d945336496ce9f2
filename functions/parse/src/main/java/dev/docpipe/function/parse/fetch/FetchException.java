package dev.docpipe.function.parse.fetch;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;

/**
 * A URL fetch that did not produce a document. The code says which kind:
 * <ul>
 *   <li>{@link ErrorCode#FETCH_BLOCKED}: a rule refused the URL or a redirect (scheme, user info, port,
 *       a non-public address, too many redirects). Permanent: retrying cannot help.</li>
 *   <li>{@link ErrorCode#FETCH_FAILED}: the fetch was allowed but did not work (DNS, connection, TLS,
 *       timeout, HTTP status of 400 or more, a malformed response). May succeed later.</li>
 *   <li>{@link ErrorCode#TOO_LARGE}: the body is over the byte limit; reading stopped at the limit.</li>
 * </ul>
 * Messages name the rule and never echo more than an abbreviated URL.
 */
public final class FetchException extends DocpipeException {

    private FetchException(ErrorCode code, String message, Throwable cause) {
        super(code, message, null, cause);
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

    static FetchException tooLarge(String message) {
        return new FetchException(ErrorCode.TOO_LARGE, message, null);
    }

    /** The same failure, its message prefixed with where it happened (e.g. which redirect). */
    FetchException prefixed(String prefix) {
        return new FetchException(code(), prefix + getMessage(), getCause());
    }
}
