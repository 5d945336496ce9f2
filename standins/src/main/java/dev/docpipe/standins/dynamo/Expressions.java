package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The syntax trees of DynamoDB expressions (condition, filter, key condition, update, projection), as
 * {@link ExpressionParser} builds them. Placeholders are already resolved: a {@link Field} holds the real
 * attribute name, a {@link ValueRef} the attribute value.
 */
final class Expressions {
    private Expressions() {
    }

    // ---------------------------------------------------------------- document paths

    sealed interface PathElement permits Field, Index {
    }

    record Field(String name) implements PathElement {
        @Override
        public String toString() {
            return name;
        }
    }

    record Index(int index) implements PathElement {
        @Override
        public String toString() {
            return "[" + index + "]";
        }
    }

    /** A document path: a top-level attribute name followed by map keys and list indexes. */
    record Path(List<PathElement> elements) {

        String topName() {
            return ((Field) elements.get(0)).name();
        }

        boolean isTopLevel() {
            return elements.size() == 1;
        }

        /** Whether one path is a prefix of (or equal to) the other. */
        boolean overlaps(Path other) {
            int common = Math.min(elements.size(), other.elements.size());
            return elements.subList(0, common).equals(other.elements.subList(0, common));
        }

        /** The value at this path in an item, or null when absent. */
        JsonNode resolve(ObjectNode item) {
            JsonNode current = item.get(topName());
            for (int i = 1; i < elements.size() && current != null; i++) {
                current = step(current, elements.get(i));
            }
            return current;
        }

        static JsonNode step(JsonNode value, PathElement element) {
            if (element instanceof Field field) {
                JsonNode map = value.get("M");
                return map == null ? null : map.get(field.name());
            }
            JsonNode list = value.get("L");
            int index = ((Index) element).index();
            return list == null || index >= list.size() ? null : list.get(index);
        }

        /** DynamoDB's rendering in error messages, e.g. {@code [a, b, [0]]}. */
        String describe() {
            return elements.stream().map(Object::toString).collect(Collectors.joining(", ", "[", "]"));
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            for (PathElement element : elements) {
                if (element instanceof Field && !text.isEmpty()) {
                    text.append('.');
                }
                text.append(element);
            }
            return text.toString();
        }
    }

    // ---------------------------------------------------------------- operands

    sealed interface Operand permits PathRef, ValueRef, FunctionCall, Arithmetic {
    }

    record PathRef(Path path) implements Operand {
    }

    record ValueRef(String placeholder, JsonNode value) implements Operand {
    }

    /** size(...) in conditions; if_not_exists(...) and list_append(...) in updates. */
    record FunctionCall(String name, List<Operand> args) implements Operand {
    }

    /** {@code a + b} or {@code a - b}, only on the right-hand side of SET. */
    record Arithmetic(boolean plus, Operand left, Operand right) implements Operand {
    }

    // ---------------------------------------------------------------- conditions

    sealed interface Condition permits Comparison, Between, In, And, Or, Not, BooleanFunction {
    }

    /** {@code operator}: one of = &lt;&gt; &lt; &lt;= &gt; &gt;=. */
    record Comparison(String operator, Operand left, Operand right) implements Condition {
    }

    record Between(Operand value, Operand lower, Operand upper) implements Condition {
    }

    record In(Operand value, List<Operand> candidates) implements Condition {
    }

    record And(Condition left, Condition right) implements Condition {
    }

    record Or(Condition left, Condition right) implements Condition {
    }

    record Not(Condition condition) implements Condition {
    }

    /** attribute_exists, attribute_not_exists, attribute_type, begins_with or contains. */
    record BooleanFunction(FunctionCall call) implements Condition {
    }

    // ---------------------------------------------------------------- updates

    record SetAction(Path path, Operand value) {
    }

    record AddAction(Path path, ValueRef value) {
    }

    record DeleteAction(Path path, ValueRef value) {
    }

    record UpdateExpression(List<SetAction> sets, List<Path> removes, List<AddAction> adds, List<DeleteAction> deletes) {

        /** Every path the update writes, in clause order. */
        List<Path> targets() {
            return java.util.stream.Stream.of(
                    sets.stream().map(SetAction::path),
                    removes.stream(),
                    adds.stream().map(AddAction::path),
                    deletes.stream().map(DeleteAction::path)
            ).flatMap(s -> s).toList();
        }
    }
}
