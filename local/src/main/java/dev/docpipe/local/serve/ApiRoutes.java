package dev.docpipe.local.serve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST API's resources and methods, exactly as template.yaml declares them (ServeRoutesTemplateTest
 * compares the two): which function answers each method, and whether an API key is required. A
 * method a resource does not declare gets what API Gateway answers for it, as does an unknown path.
 */
public final class ApiRoutes {
    public enum Function {
        SUBMIT("docpipe-submit"), STATUS("docpipe-status");

        private final String functionName;

        Function(String functionName) {
            this.functionName = functionName;
        }

        public String functionName() {
            return functionName;
        }
    }

    /** One resource: its methods and the function behind each. */
    public record Route(String resource, Map<String, Function> methods, boolean keyRequired) {
        /** The function behind {@code method}, or null when the resource does not declare it. */
        public Function function(String method) {
            return methods.get(method);
        }
    }

    /** A request matched to a route: the function, and the values of the resource's {@code {params}}. */
    public record Match(Route route, Function function, Map<String, String> pathParameters) {
    }

    public static final List<Route> ROUTES = List.of(
            new Route("/jobs", Map.of("POST", Function.SUBMIT, "GET", Function.STATUS), true),
            new Route("/jobs/{id}", Map.of("DELETE", Function.SUBMIT, "GET", Function.STATUS), true),
            new Route("/jobs/{id}/retry", Map.of("POST", Function.SUBMIT), true),
            new Route("/jobs/{id}/erase", Map.of("POST", Function.SUBMIT), true),
            new Route("/uploads", Map.of("POST", Function.SUBMIT), true),
            new Route("/webhook", Map.of("GET", Function.SUBMIT, "PUT", Function.SUBMIT), true),
            new Route("/webhook/secrets", Map.of("POST", Function.SUBMIT), true),
            new Route("/stats", Map.of("GET", Function.STATUS), true),
            new Route("/health", Map.of("GET", Function.STATUS), false),
            new Route("/", Map.of("GET", Function.STATUS), false),
            new Route("/assets/{file}", Map.of("GET", Function.STATUS), false));

    /** API Gateway's request payload limit: the most a submission (an inline document) may carry. */
    public static final int MAX_PAYLOAD = 10 * 1024 * 1024;
    /** What the other requests with a body (an upload's or a retry's few JSON fields) may carry. */
    public static final int MAX_SMALL_PAYLOAD = 64 * 1024;

    private ApiRoutes() {
    }

    /**
     * The largest request body {@code method} on {@code route} takes: 0 for every method without a body
     * (GET, HEAD, DELETE and the unauthenticated routes), {@link #MAX_PAYLOAD} for a submission.
     */
    public static int bodyLimit(String method, Route route) {
        if (!"POST".equals(method) && !"PUT".equals(method) && !"PATCH".equals(method)) {
            return 0;
        }
        return route.resource().equals("/jobs") ? MAX_PAYLOAD : MAX_SMALL_PAYLOAD;
    }

    /**
     * The route for a decoded path, or null when the path is no resource of the API; the match's
     * function is null when the resource does not declare the method.
     */
    public static Match match(String method, String path) {
        String[] parts = segments(path);
        for (Route route : ROUTES) {
            String[] template = segments(route.resource());
            if (template.length != parts.length) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < template.length && ok; i++) {
                String t = template[i];
                if (t.startsWith("{") && t.endsWith("}")) {
                    if (parts[i].isEmpty()) {
                        ok = false;
                    } else {
                        params.put(t.substring(1, t.length() - 1), parts[i]);
                    }
                } else {
                    ok = t.equals(parts[i]);
                }
            }
            if (ok) {
                return new Match(route, route.function(method), Map.copyOf(params));
            }
        }
        return null;
    }

    private static String[] segments(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
