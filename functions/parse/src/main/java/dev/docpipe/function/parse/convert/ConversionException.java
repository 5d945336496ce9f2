package dev.docpipe.function.parse.convert;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;

/**
 * A document that cannot be converted, for a reason that will not change on retry:
 * {@code UNSUPPORTED_CONTENT}, {@code EMPTY_DOCUMENT} or {@code TOO_LARGE}. Messages are meant
 * for the user and never carry a stack trace.
 */
public final class ConversionException extends DocpipeException {

    public ConversionException(ErrorCode code, String message) {
        super(code, message);
    }

    static ConversionException unsupported(String message) {
        return new ConversionException(ErrorCode.UNSUPPORTED_CONTENT, message);
    }

    static ConversionException tooLarge(String message) {
        return new ConversionException(ErrorCode.TOO_LARGE, message);
    }

    static ConversionException empty(String message) {
        return new ConversionException(ErrorCode.EMPTY_DOCUMENT, message);
    }
}
