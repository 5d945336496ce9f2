package dev.docpipe.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.ErrorCode;

/**
 * The API's error answers: {@code {"error":{"code","message","field"?},"requestId"}} with an HTTP
 * status per code. No stack traces, no internal names.
 */
public final class ApiErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiErrors() {
    }

    public static int status(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, UNKNOWN_FIELD, INVALID_PRIORITY, INVALID_FORMAT, INVALID_STATUS, INVALID_CURSOR,
                 INVALID_OPTION, INVALID_MULTIPART, FETCH_BLOCKED -> 400;
            case UNAUTHORIZED -> 403;
            case NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case CONFLICT, STALE_TRANSITION -> 409;
            case TOO_LARGE -> 413;
            case STORE_UNAVAILABLE -> 503;
            default -> 500;
        };
    }

    public static ApiResponse of(DocpipeException e, String requestId) {
        return of(e.code(), e.getMessage(), e.field(), requestId);
    }

    public static ApiResponse of(ErrorCode code, String message, String field, String requestId) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code.code());
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        root.put("requestId", requestId);
        return ApiResponse.json(status(code), root.toString());
    }

    /** For anything unexpected: a generic message; the details go to the log with the request id. */
    public static ApiResponse internal(String requestId) {
        return of(ErrorCode.INTERNAL, "internal error; quote the request id when reporting it", null, requestId);
    }
}
