package dev.docpipe.api;

import java.util.Map;
import java.util.Optional;

/**
 * An HTTP API request, free of API Gateway types: what a route handler needs.
 *
 * @param route      the matched resource template, e.g. {@code /jobs/{id}} (API Gateway's {@code resource})
 * @param owner      the caller's API key id, or null when the request carried none
 * @param requestId  the id echoed in every response and log line
 * @param binaryBody the body's bytes as sent when the event carried it base64-encoded (API Gateway does so
 *                   for the API's binary media types, e.g. {@code multipart/form-data}); else null, and
 *                   {@code body} is the text
 */
public record ApiRequest(String method, String route, String path, Map<String, String> pathParameters,
                         Map<String, String> query, Map<String, String> headers, String body, String owner,
                         String requestId, byte[] binaryBody) {
    public ApiRequest {
        pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
        query = query == null ? Map.of() : Map.copyOf(query);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** A request whose body is text. */
    public ApiRequest(String method, String route, String path, Map<String, String> pathParameters,
                      Map<String, String> query, Map<String, String> headers, String body, String owner,
                      String requestId) {
        this(method, route, path, pathParameters, query, headers, body, owner, requestId, null);
    }

    /** The body's bytes: as sent when it came base64-encoded, else the text in UTF-8; empty when there is none. */
    public byte[] bodyBytes() {
        if (binaryBody != null) {
            return binaryBody.clone();
        }
        return body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(query.get(name)).filter(v -> !v.isBlank());
    }

    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    /** A header by case-insensitive name. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst();
    }
}
