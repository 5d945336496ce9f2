package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.standins.dynamo.Expressions.AddAction;
import dev.docpipe.standins.dynamo.Expressions.Arithmetic;
import dev.docpipe.standins.dynamo.Expressions.DeleteAction;
import dev.docpipe.standins.dynamo.Expressions.Field;
import dev.docpipe.standins.dynamo.Expressions.FunctionCall;
import dev.docpipe.standins.dynamo.Expressions.Index;
import dev.docpipe.standins.dynamo.Expressions.Operand;
import dev.docpipe.standins.dynamo.Expressions.Path;
import dev.docpipe.standins.dynamo.Expressions.PathElement;
import dev.docpipe.standins.dynamo.Expressions.PathRef;
import dev.docpipe.standins.dynamo.Expressions.SetAction;
import dev.docpipe.standins.dynamo.Expressions.UpdateExpression;
import dev.docpipe.standins.dynamo.Expressions.ValueRef;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/**
 * Applies an update expression to a copy of an item. Every right-hand side is evaluated against the item
 * as it was before the update, as in DynamoDB; REMOVE of list elements addresses the original indexes.
 */
final class UpdateEvaluator {
    private UpdateEvaluator() {
    }

    /** The updated copy of {@code original} (an empty item, plus the key, when the item did not exist). */
    static ObjectNode apply(UpdateExpression update, ObjectNode original) {
        ObjectNode item = original.deepCopy();
        for (SetAction set : update.sets()) {
            assign(item, set.path(), evaluate(set.value(), original));
        }
        remove(item, update.removes());
        for (AddAction add : update.adds()) {
            JsonNode current = add.path().resolve(item);
            JsonNode operand = add.value().value();
            assign(item, add.path(), current == null ? operand : addValues(current, operand));
        }
        for (DeleteAction delete : update.deletes()) {
            JsonNode current = delete.path().resolve(item);
            if (current == null) {
                continue;
            }
            JsonNode remaining = deleteFromSet(current, delete.value().value());
            if (remaining == null) {
                remove(item, List.of(delete.path()));
            } else {
                assign(item, delete.path(), remaining);
            }
        }
        return item;
    }

    // ---------------------------------------------------------------- values

    private static JsonNode evaluate(Operand operand, ObjectNode original) {
        return switch (operand) {
            case ValueRef value -> value.value();
            case PathRef path -> {
                JsonNode value = path.path().resolve(original);
                if (value == null) {
                    throw DynamoException.validation("The provided expression refers to an attribute that does not exist in the item");
                }
                yield value;
            }
            case FunctionCall call when call.name().equals("if_not_exists") -> {
                JsonNode existing = ((PathRef) call.args().get(0)).path().resolve(original);
                yield existing != null ? existing : evaluate(call.args().get(1), original);
            }
            case FunctionCall call -> {
                JsonNode first = evaluate(call.args().get(0), original);
                JsonNode second = evaluate(call.args().get(1), original);
                if (!AttributeValues.type(first).equals("L") || !AttributeValues.type(second).equals("L")) {
                    throw incorrectType();
                }
                ObjectNode joined = JSON.objectNode();
                ArrayNode list = joined.putArray("L");
                list.addAll((ArrayNode) first.get("L"));
                list.addAll((ArrayNode) second.get("L"));
                yield joined;
            }
            case Arithmetic arithmetic -> {
                JsonNode left = evaluate(arithmetic.left(), original);
                JsonNode right = evaluate(arithmetic.right(), original);
                if (!AttributeValues.type(left).equals("N") || !AttributeValues.type(right).equals("N")) {
                    throw incorrectType();
                }
                BigDecimal a = AttributeValues.number(left);
                BigDecimal b = AttributeValues.number(right);
                yield AttributeValues.number(arithmetic.plus() ? a.add(b) : a.subtract(b));
            }
        };
    }

    private static JsonNode addValues(JsonNode current, JsonNode operand) {
        String type = AttributeValues.type(current);
        if (!type.equals(AttributeValues.type(operand))) {
            throw incorrectType();
        }
        if (type.equals("N")) {
            return AttributeValues.number(AttributeValues.number(current).add(AttributeValues.number(operand)));
        }
        if (!AttributeValues.isSetType(type)) {
            throw incorrectType();
        }
        ArrayNode union = current.get(type).deepCopy();
        Set<Object> present = AttributeValues.setOf(type, union);
        for (JsonNode element : operand.get(type)) {
            if (present.add(AttributeValues.setKey(type, element.textValue()))) {
                union.add(element);
            }
        }
        ObjectNode result = JSON.objectNode();
        result.set(type, union);
        return result;
    }

    /** The set minus the operand's elements, or null when nothing remains. */
    private static JsonNode deleteFromSet(JsonNode current, JsonNode operand) {
        String type = AttributeValues.type(current);
        if (!type.equals(AttributeValues.type(operand))) {
            throw incorrectType();
        }
        Set<Object> removed = AttributeValues.setOf(type, operand.get(type));
        ArrayNode remaining = JSON.arrayNode();
        for (JsonNode element : current.get(type)) {
            if (!removed.contains(AttributeValues.setKey(type, element.textValue()))) {
                remaining.add(element);
            }
        }
        if (remaining.isEmpty()) {
            return null;
        }
        ObjectNode result = JSON.objectNode();
        result.set(type, remaining);
        return result;
    }

    private static DynamoException incorrectType() {
        return DynamoException.validation("An operand in the update expression has an incorrect data type");
    }

    private static DynamoException invalidPath() {
        return DynamoException.validation("The document path provided in the update expression is invalid for update");
    }

    // ---------------------------------------------------------------- writing into the copy

    /** Sets the value at {@code path}; the parent must exist. A list index past the end appends. */
    private static void assign(ObjectNode item, Path path, JsonNode value) {
        if (path.isTopLevel()) {
            item.set(path.topName(), value);
            return;
        }
        JsonNode parent = parent(item, path);
        if (parent == null) {
            throw invalidPath();
        }
        PathElement last = path.elements().get(path.elements().size() - 1);
        if (last instanceof Field field) {
            JsonNode map = parent.get("M");
            if (map == null) {
                throw invalidPath();
            }
            ((ObjectNode) map).set(field.name(), value);
        } else {
            JsonNode list = parent.get("L");
            if (list == null) {
                throw invalidPath();
            }
            int index = ((Index) last).index();
            if (index < list.size()) {
                ((ArrayNode) list).set(index, value);
            } else {
                ((ArrayNode) list).add(value);
            }
        }
    }

    /** The value holding the last element of {@code path}, or null when absent. */
    private static JsonNode parent(ObjectNode item, Path path) {
        List<PathElement> elements = path.elements();
        return new Path(elements.subList(0, elements.size() - 1)).resolve(item);
    }

    /**
     * Removes the values at the given paths. List elements are removed by identity after all targets are
     * found, so that {@code REMOVE a[1], a[2]} removes the original second and third elements.
     */
    private static void remove(ObjectNode item, List<Path> paths) {
        Map<ArrayNode, List<Integer>> listRemovals = new IdentityHashMap<>();
        for (Path path : paths) {
            if (path.isTopLevel()) {
                item.remove(path.topName());
                continue;
            }
            JsonNode parent = parent(item, path);
            if (parent == null) {
                continue;
            }
            PathElement last = path.elements().get(path.elements().size() - 1);
            if (last instanceof Field field && parent.get("M") instanceof ObjectNode map) {
                map.remove(field.name());
            } else if (last instanceof Index index && parent.get("L") instanceof ArrayNode list && index.index() < list.size()) {
                listRemovals.computeIfAbsent(list, l -> new ArrayList<>()).add(index.index());
            }
        }
        listRemovals.forEach((list, indexes) -> indexes.stream()
                .distinct()
                .sorted(Comparator.reverseOrder())
                .forEach(i -> list.remove((int) i)));
    }
}
