package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.standins.dynamo.Expressions.And;
import dev.docpipe.standins.dynamo.Expressions.Between;
import dev.docpipe.standins.dynamo.Expressions.BooleanFunction;
import dev.docpipe.standins.dynamo.Expressions.Comparison;
import dev.docpipe.standins.dynamo.Expressions.Condition;
import dev.docpipe.standins.dynamo.Expressions.FunctionCall;
import dev.docpipe.standins.dynamo.Expressions.In;
import dev.docpipe.standins.dynamo.Expressions.Not;
import dev.docpipe.standins.dynamo.Expressions.Operand;
import dev.docpipe.standins.dynamo.Expressions.Or;
import dev.docpipe.standins.dynamo.Expressions.PathRef;
import dev.docpipe.standins.dynamo.Expressions.ValueRef;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Evaluates condition and filter expressions against an item (an empty item when there is none).
 * As in DynamoDB, a comparison involving a missing attribute or values of different types is false
 * (and {@code <>} therefore true), never an error.
 */
final class ConditionEvaluator {
    private ConditionEvaluator() {
    }

    static boolean matches(Condition condition, ObjectNode item) {
        return switch (condition) {
            case And and -> matches(and.left(), item) && matches(and.right(), item);
            case Or or -> matches(or.left(), item) || matches(or.right(), item);
            case Not not -> !matches(not.condition(), item);
            case Comparison comparison -> compare(comparison, item);
            case Between between -> between(between, item);
            case In in -> {
                JsonNode value = value(in.value(), item);
                for (Operand candidate : in.candidates()) {
                    if (AttributeValues.equal(value, value(candidate, item))) {
                        yield true;
                    }
                }
                yield false;
            }
            case BooleanFunction function -> function(function.call(), item);
        };
    }

    private static boolean compare(Comparison comparison, ObjectNode item) {
        JsonNode left = value(comparison.left(), item);
        JsonNode right = value(comparison.right(), item);
        return switch (comparison.operator()) {
            case "=" -> AttributeValues.equal(left, right);
            case "<>" -> !AttributeValues.equal(left, right);
            default -> {
                Integer order = AttributeValues.compare(left, right);
                if (order == null) {
                    yield false;
                }
                yield switch (comparison.operator()) {
                    case "<" -> order < 0;
                    case "<=" -> order <= 0;
                    case ">" -> order > 0;
                    default -> order >= 0;
                };
            }
        };
    }

    private static boolean between(Between between, ObjectNode item) {
        JsonNode value = value(between.value(), item);
        Integer aboveLower = AttributeValues.compare(value, value(between.lower(), item));
        Integer belowUpper = AttributeValues.compare(value, value(between.upper(), item));
        return aboveLower != null && belowUpper != null && aboveLower >= 0 && belowUpper <= 0;
    }

    private static boolean function(FunctionCall call, ObjectNode item) {
        JsonNode first = value(call.args().get(0), item);
        return switch (call.name()) {
            case "attribute_exists" -> first != null;
            case "attribute_not_exists" -> first == null;
            case "attribute_type" -> first != null
                    && AttributeValues.type(first).equals(value(call.args().get(1), item).get("S").textValue());
            case "begins_with" -> beginsWith(first, value(call.args().get(1), item));
            case "contains" -> contains(first, value(call.args().get(1), item));
            default -> throw new IllegalStateException(call.name());
        };
    }

    private static boolean beginsWith(JsonNode value, JsonNode prefix) {
        if (value == null || prefix == null) {
            return false;
        }
        String type = AttributeValues.type(value);
        if (!type.equals(AttributeValues.type(prefix))) {
            return false;
        }
        if (type.equals("S")) {
            return value.get("S").textValue().startsWith(prefix.get("S").textValue());
        }
        if (type.equals("B")) {
            byte[] bytes = AttributeValues.bytes(value);
            byte[] start = AttributeValues.bytes(prefix);
            return bytes.length >= start.length && Arrays.equals(bytes, 0, start.length, start, 0, start.length);
        }
        return false;
    }

    private static boolean contains(JsonNode container, JsonNode element) {
        if (container == null || element == null) {
            return false;
        }
        String type = AttributeValues.type(container);
        String elementType = AttributeValues.type(element);
        return switch (type) {
            case "S" -> elementType.equals("S") && container.get("S").textValue().contains(element.get("S").textValue());
            case "B" -> elementType.equals("B") && indexOf(AttributeValues.bytes(container), AttributeValues.bytes(element)) >= 0;
            case "SS", "NS", "BS" -> type.equals(elementType + "S")
                    && AttributeValues.setOf(type, container.get(type))
                    .contains(AttributeValues.setKey(type, element.get(elementType).textValue()));
            case "L" -> {
                for (JsonNode member : container.get("L")) {
                    if (AttributeValues.equal(member, element)) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The value of an operand, or null when it refers to a missing attribute (or has no size). */
    static JsonNode value(Operand operand, ObjectNode item) {
        return switch (operand) {
            case PathRef path -> path.path().resolve(item);
            case ValueRef value -> value.value();
            case FunctionCall call when call.name().equals("size") -> size(value(call.args().get(0), item));
            default -> throw new IllegalStateException("not a condition operand: " + operand);
        };
    }

    private static JsonNode size(JsonNode value) {
        if (value == null) {
            return null;
        }
        String type = AttributeValues.type(value);
        JsonNode content = value.get(type);
        long size = switch (type) {
            case "S" -> content.textValue().getBytes(StandardCharsets.UTF_8).length;
            case "B" -> AttributeValues.bytes(value).length;
            case "SS", "NS", "BS", "L", "M" -> content.size();
            default -> -1;
        };
        return size < 0 ? null : AttributeValues.number(size);
    }
}
