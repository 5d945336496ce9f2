package dev.docpipe.adapter;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;
import dev.docpipe.job.JobId;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque history cursors. Both stores page an owner's jobs by id, newest first, so a cursor is the
 * last id returned; it is wrapped so callers cannot rely on its shape.
 */
public final class Cursors {
    private static final String PREFIX = "c1:";

    private Cursors() {
    }

    public static String after(JobId lastReturned) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + lastReturned.value()).getBytes(StandardCharsets.UTF_8));
    }

    /** The last id of the previous page, or null for the first page. */
    public static JobId decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (raw.startsWith(PREFIX) && JobId.isValid(raw.substring(PREFIX.length()))) {
                return new JobId(raw.substring(PREFIX.length()));
            }
        } catch (IllegalArgumentException ignored) {
            // fall through: not base64
        }
        throw new DocpipeException(ErrorCode.INVALID_CURSOR, "cursor is not one this API issued", "cursor", null);
    }
}
