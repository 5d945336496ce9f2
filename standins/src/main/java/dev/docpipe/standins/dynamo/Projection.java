package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.standins.dynamo.Expressions.Field;
import dev.docpipe.standins.dynamo.Expressions.Index;
import dev.docpipe.standins.dynamo.Expressions.Path;
import dev.docpipe.standins.dynamo.Expressions.PathElement;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/**
 * Applies a projection (ProjectionExpression, or the paths an update touched for UPDATED_OLD/NEW): the
 * result holds only the requested parts of the item, nested maps and lists reduced to what was asked for.
 * Selected list elements keep their order and are packed together, as in DynamoDB.
 */
final class Projection {
    private Projection() {
    }

    /** {@code paths} null means everything. */
    static ObjectNode apply(List<Path> paths, ObjectNode item) {
        if (paths == null) {
            return item;
        }
        Node root = new Node();
        for (Path path : paths) {
            JsonNode value = item.get(path.topName());
            if (value == null) {
                continue;
            }
            Node node = root.child(new Field(path.topName()));
            boolean found = true;
            for (PathElement element : path.elements().subList(1, path.elements().size())) {
                value = Path.step(value, element);
                if (value == null) {
                    found = false;
                    break;
                }
                node = node.child(element);
            }
            if (found) {
                node.value = value;
            }
        }
        ObjectNode result = JSON.objectNode();
        root.fields.forEach((name, child) -> {
            JsonNode built = child.build(item.get(name));
            if (built != null) {
                result.set(name, built);
            }
        });
        return result;
    }

    /** The selected parts below one attribute: either a whole value, or chosen map keys / list indexes. */
    private static final class Node {
        JsonNode value;
        final Map<String, Node> fields = new LinkedHashMap<>();
        final TreeMap<Integer, Node> indexes = new TreeMap<>();

        Node child(PathElement element) {
            if (element instanceof Field field) {
                return fields.computeIfAbsent(field.name(), n -> new Node());
            }
            return indexes.computeIfAbsent(((Index) element).index(), i -> new Node());
        }

        /** Null when nothing below was found. */
        JsonNode build(JsonNode original) {
            if (value != null) {
                return value;
            }
            if (!fields.isEmpty() && original.get("M") != null) {
                ObjectNode map = JSON.objectNode();
                fields.forEach((name, child) -> {
                    JsonNode built = child.build(original.get("M").get(name));
                    if (built != null) {
                        map.set(name, built);
                    }
                });
                return map.isEmpty() ? null : JSON.objectNode().set("M", map);
            }
            if (!indexes.isEmpty() && original.get("L") != null) {
                ArrayNode list = JSON.arrayNode();
                indexes.forEach((index, child) -> {
                    JsonNode built = child.build(original.get("L").get(index));
                    if (built != null) {
                        list.add(built);
                    }
                });
                return list.isEmpty() ? null : JSON.objectNode().set("L", list);
            }
            return null;
        }
    }
}
