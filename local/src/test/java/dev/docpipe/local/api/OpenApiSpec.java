package dev.docpipe.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * docs/openapi.yaml, read as data, to check real responses against it: the operation exists, the
 * status code is documented, and the body's fields are the documented ones (required present, none
 * undocumented).
 */
public final class OpenApiSpec {
    private final Map<String, Object> root;

    private OpenApiSpec(Map<String, Object> root) {
        this.root = root;
    }

    public static OpenApiSpec load() {
        Path file = locate();
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) doc;
            return new OpenApiSpec(map);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** docs/openapi.yaml from the module directory or the repository root. */
    static Path locate() {
        for (Path p : List.of(Path.of("docs/openapi.yaml"), Path.of("../docs/openapi.yaml"))) {
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("docs/openapi.yaml not found from " + Path.of("").toAbsolutePath());
    }

    /** Every (METHOD route) the spec documents, e.g. {@code GET /jobs/{id}}. */
    public Set<String> operations() {
        Set<String> ops = new LinkedHashSet<>();
        map(root.get("paths")).forEach((path, item) -> map(item).keySet().stream()
                .filter(k -> List.of("get", "post", "put", "delete", "patch").contains(k))
                .forEach(m -> ops.add(m.toUpperCase(Locale.ROOT) + " " + path)));
        return ops;
    }

    /** The problems of one response against the spec; empty if it conforms. */
    public List<String> problems(String method, String route, int status, JsonNode body) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> operation = map(map(map(root.get("paths")).get(route)).get(method.toLowerCase(Locale.ROOT)));
        if (operation.isEmpty()) {
            problems.add(method + " " + route + " is not documented");
            return problems;
        }
        Map<String, Object> response = resolve(map(map(operation.get("responses")).get(Integer.toString(status))));
        if (response.isEmpty()) {
            problems.add(method + " " + route + " does not document status " + status);
            return problems;
        }
        Map<String, Object> schema = resolve(map(map(map(map(response.get("content")).get("application/json"))).get("schema")));
        checkObject(method + " " + route + " " + status, schema, body, problems);
        return problems;
    }

    private void checkObject(String where, Map<String, Object> schema, JsonNode body, List<String> problems) {
        if (schema.isEmpty() || body == null || !body.isObject()) {
            return;
        }
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        List<Object> required = new ArrayList<>();
        collect(schema, properties, required);
        if (properties.isEmpty()) {
            return;
        }
        for (Object r : required) {
            if (!body.has(r.toString())) {
                problems.add(where + ": required field '" + r + "' missing");
            }
        }
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!properties.containsKey(name)) {
                problems.add(where + ": field '" + name + "' is not documented");
            } else {
                Map<String, Object> fieldSchema = resolve(map(properties.get(name)));
                if ("object".equals(fieldSchema.get("type")) && fieldSchema.containsKey("properties")) {
                    checkObject(where + "." + name, fieldSchema, body.get(name), problems);
                }
                if ("array".equals(fieldSchema.get("type")) && body.get(name).isArray()) {
                    Map<String, Object> items = resolve(map(fieldSchema.get("items")));
                    for (JsonNode item : body.get(name)) {
                        checkObject(where + "." + name + "[]", items, item, problems);
                    }
                }
            }
        }
    }

    private void collect(Map<String, Object> schema, Map<String, Object> properties, List<Object> required) {
        Map<String, Object> s = resolve(schema);
        properties.putAll(map(s.get("properties")));
        if (s.get("required") instanceof List<?> r) {
            required.addAll(r);
        }
        if (s.get("allOf") instanceof List<?> parts) {
            for (Object part : parts) {
                collect(map(part), properties, required);
            }
        }
    }

    private Map<String, Object> resolve(Map<String, Object> node) {
        Object ref = node.get("$ref");
        if (ref == null) {
            return node;
        }
        Map<String, Object> target = root;
        for (String part : ref.toString().substring(2).split("/")) {
            target = map(target.get(part));
        }
        return resolve(target);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
