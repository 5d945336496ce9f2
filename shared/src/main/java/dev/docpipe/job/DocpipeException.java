package dev.docpipe.job;

/** Base of every domain exception: carries a stable {@link ErrorCode}. */
public class DocpipeException extends RuntimeException {
    private final ErrorCode code;
    private final String field;

    public DocpipeException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public DocpipeException(ErrorCode code, String message, String field, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    /**
     * Whether a later attempt may succeed without the input changing: the code's
     * {@link ErrorCode#isTransient()} unless the exception knows better (a fetch of a host that does not
     * exist has a transient code, yet retrying it only burns attempts).
     */
    public boolean isTransient() {
        return code.isTransient();
    }

    /** The request field the error is about, or null. */
    public String field() {
        return field;
    }
}
