package dev.docpipe.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP API response: status, JSON body and extra headers. */
public record ApiResponse(int status, String body, Map<String, String> headers) {
    public ApiResponse {
        headers = Map.copyOf(headers == null ? Map.of() : headers);
    }

    public static ApiResponse json(int status, String body) {
        return new ApiResponse(status, body, Map.of());
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, body, more);
    }
}
