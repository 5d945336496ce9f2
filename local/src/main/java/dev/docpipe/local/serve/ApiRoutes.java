package dev.docpipe.local.serve;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The REST API's resources and methods, as template.yaml declares them: which function answers, and
 * whether an API key is required. A known resource with a method of no route still reaches its
 * resource's other function (the template maps it with {@code ANY}), which answers {@code 405}.
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

    /** One resource: the methods the submit function owns there; every other method goes to {@code fallback}. */
    public record Route(String resource, Set<String> submitMethods, Function fallback, boolean keyRequired) {
        public Function function(String method) {
            return submitMethods.contains(method) ? Function.SUBMIT : fallback;
        }
    }

    /** A request matched to a route: the function, and the values of the resource's {@code {params}}. */
    public record Match(Route route, Function function, Map<String, String> pathParameters) {
    }

    public static final List<Route> ROUTES = List.of(
            new Route("/jobs", Set.of("POST"), Function.STATUS, true),
            new Route("/jobs/{id}", Set.of("DELETE"), Function.STATUS, true),
            new Route("/jobs/{id}/retry", Set.of(), Function.SUBMIT, true),
            new Route("/uploads", Set.of(), Function.SUBMIT, true),
            new Route("/stats", Set.of(), Function.STATUS, true),
            new Route("/health", Set.of(), Function.STATUS, false),
            new Route("/", Set.of(), Function.STATUS, false),
            new Route("/assets/{file}", Set.of(), Function.STATUS, false));

    private ApiRoutes() {
    }

    /** The route for a decoded path, or null when the path is no resource of the API. */
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
