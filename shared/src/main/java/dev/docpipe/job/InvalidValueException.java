package dev.docpipe.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A value outside a closed set (priority, format, status); the message names the accepted values. */
public final class InvalidValueException extends DocpipeException {
    public InvalidValueException(ErrorCode code, String field, String given, Enum<?>[] accepted) {
        super(code, "unknown " + field + " '" + given + "'; accepted: "
                + Arrays.stream(accepted).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")),
                field, null);
    }
}
