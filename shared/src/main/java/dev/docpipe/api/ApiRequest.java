package dev.docpipe.api;

import java.util.Map;
import java.util.Optional;

/**
 * An HTTP API request, free of API Gateway types: what a route handler needs.
 *
 * @param route      the matched resource template, e.g. {@code /jobs/{id}} (API Gateway's {@code resource})
 * @param owner      the caller's API key id, or null when the request carried none
 * @param requestId  the id echoed in every response and log line
 */
public record ApiRequest(String method, String route, String path, Map<String, String> pathParameters,
                         Map<String, String> query, Map<String, String> headers, String body, String owner,
                         String requestId) {
    public ApiRequest {
        pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
        query = query == null ? Map.of() : Map.copyOf(query);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
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
