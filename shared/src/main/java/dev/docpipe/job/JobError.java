package dev.docpipe.job;

import java.util.Objects;

/**
 * Why a job failed: a stable code and a human message (never a stack trace), at most
 * {@value #MAX_MESSAGE_CHARS} characters: a longer one (a parser quoting a hostile document, say) is
 * cut, so the job record always fits its store (DynamoDB refuses items over 400 KB).
 */
public record JobError(ErrorCode code, String message) {
    public static final int MAX_MESSAGE_CHARS = 2000;

    public JobError {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
        if (message.length() > MAX_MESSAGE_CHARS) {
            int end = Character.isHighSurrogate(message.charAt(MAX_MESSAGE_CHARS - 2)) ? MAX_MESSAGE_CHARS - 2 : MAX_MESSAGE_CHARS - 1;
            message = message.substring(0, end) + "…";
        }
    }
}
