package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.standins.dynamo.Expressions.And;
import dev.docpipe.standins.dynamo.Expressions.Between;
import dev.docpipe.standins.dynamo.Expressions.BooleanFunction;
import dev.docpipe.standins.dynamo.Expressions.Comparison;
import dev.docpipe.standins.dynamo.Expressions.Condition;
import dev.docpipe.standins.dynamo.Expressions.In;
import dev.docpipe.standins.dynamo.Expressions.Not;
import dev.docpipe.standins.dynamo.Expressions.Operand;
import dev.docpipe.standins.dynamo.Expressions.Or;
import dev.docpipe.standins.dynamo.Expressions.PathRef;
import dev.docpipe.standins.dynamo.Expressions.ValueRef;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A Query's KeyConditionExpression: equality on the partition key, optionally one condition on the sort
 * key ({@code = < <= > >=}, {@code BETWEEN}, {@code begins_with}). Selects a key range of a table or index.
 */
final class KeyCondition {
    private static final String KIND = "KeyConditionExpression";

    private final KeyValue hash;
    private final String operator;
    private final KeyValue first;
    private final KeyValue second;
    private final String rangeName;

    private KeyCondition(KeyValue hash, String operator, KeyValue first, KeyValue second, String rangeName) {
        this.hash = hash;
        this.operator = operator;
        this.first = first;
        this.second = second;
        this.rangeName = rangeName;
    }

    /** One simple condition on one key attribute. */
    private record Part(String attribute, String operator, List<JsonNode> values) {
    }

    static KeyCondition parse(String text, ItemView view, ExpressionContext context) {
        Condition condition = ExpressionParser.parseCondition(text, KIND, context);
        List<Condition> conditions = condition instanceof And and ? List.of(and.left(), and.right()) : List.of(condition);
        KeySchema keys = view.keys();
        List<Part> parts = conditions.stream().map(KeyCondition::part).toList();
        boolean hashGiven = parts.stream().anyMatch(p -> p.attribute().equals(keys.hashName()));
        Part hashPart = null;
        Part rangePart = null;
        for (Part part : parts) {
            if (part.attribute().equals(keys.hashName())) {
                if (hashPart != null) {
                    throw DynamoException.validation("KeyConditionExpressions must only contain one condition per key");
                }
                if (!part.operator().equals("=")) {
                    throw DynamoException.validation("Query key condition not supported");
                }
                hashPart = part;
            } else if (part.attribute().equals(keys.rangeName())) {
                if (rangePart != null) {
                    throw DynamoException.validation("KeyConditionExpressions must only contain one condition per key");
                }
                rangePart = part;
            } else {
                throw DynamoException.validation("Query condition missed key schema element: "
                        + (hashGiven && keys.hasRange() ? keys.rangeName() : keys.hashName()));
            }
        }
        if (hashPart == null) {
            throw DynamoException.validation("Query condition missed key schema element: " + keys.hashName());
        }
        Map<String, String> types = view.table().definition().attributeTypes();
        KeyValue hash = keyValue(hashPart.values().get(0), types.get(keys.hashName()));
        if (rangePart == null) {
            return new KeyCondition(hash, null, null, null, keys.rangeName());
        }
        String rangeType = types.get(keys.rangeName());
        KeyValue first = keyValue(rangePart.values().get(0), rangeType);
        KeyValue second = rangePart.values().size() > 1 ? keyValue(rangePart.values().get(1), rangeType) : null;
        if (rangePart.operator().equals("begins_with") && rangeType.equals("N")) {
            throw DynamoException.validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                    + "operator or function: begins_with, operand type: N");
        }
        return new KeyCondition(hash, rangePart.operator(), first, second, keys.rangeName());
    }

    private static Part part(Condition condition) {
        switch (condition) {
            case Comparison comparison -> {
                String operator = comparison.operator();
                if (operator.equals("<>")) {
                    throw DynamoException.validation("Unsupported operator on KeyConditionExpression: operator: <>");
                }
                if (comparison.left() instanceof PathRef path && comparison.right() instanceof ValueRef value) {
                    return new Part(attribute(path), operator, List.of(value.value()));
                }
                if (comparison.left() instanceof ValueRef value && comparison.right() instanceof PathRef path) {
                    return new Part(attribute(path), flip(operator), List.of(value.value()));
                }
            }
            case Between between -> {
                if (between.value() instanceof PathRef path && between.lower() instanceof ValueRef low
                        && between.upper() instanceof ValueRef high) {
                    return new Part(attribute(path), "BETWEEN", List.of(low.value(), high.value()));
                }
            }
            case BooleanFunction function -> {
                List<Operand> args = function.call().args();
                if (!function.call().name().equals("begins_with")) {
                    throw DynamoException.validation("Invalid operator used in KeyConditionExpression: " + function.call().name());
                }
                if (args.get(0) instanceof PathRef path && args.get(1) instanceof ValueRef value) {
                    return new Part(attribute(path), "begins_with", List.of(value.value()));
                }
            }
            case And and -> throw DynamoException.validation("KeyConditionExpressions must only contain one condition per key");
            case Or or -> throw DynamoException.validation("Invalid operator used in KeyConditionExpression: OR");
            case Not not -> throw DynamoException.validation("Invalid operator used in KeyConditionExpression: NOT");
            case In in -> throw DynamoException.validation("Invalid operator used in KeyConditionExpression: IN");
        }
        throw DynamoException.validation("Invalid KeyConditionExpression: a key condition compares a key attribute with a value");
    }

    private static String attribute(PathRef path) {
        if (!path.path().isTopLevel()) {
            throw DynamoException.validation("Invalid KeyConditionExpression: key attributes are top-level attributes: " + path.path());
        }
        return path.path().topName();
    }

    private static String flip(String operator) {
        return switch (operator) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            default -> operator;
        };
    }

    private static KeyValue keyValue(JsonNode value, String type) {
        if (!AttributeValues.type(value).equals(type)) {
            throw DynamoException.validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
        }
        return KeyValue.of(value);
    }

    KeyValue hash() {
        return hash;
    }

    /** The entries of {@code view} within the key condition's bounds (begins_with still needs {@link #matches}). */
    NavigableMap<StoreKey, ObjectNode> range(ItemView view) {
        KeyValue low = KeyValue.MIN;
        KeyValue high = KeyValue.MAX;
        boolean lowInclusive = true;
        boolean highInclusive = true;
        if (operator != null) {
            switch (operator) {
                case "=" -> {
                    low = first;
                    high = first;
                }
                case "<" -> {
                    high = first;
                    highInclusive = false;
                }
                case "<=" -> high = first;
                case ">" -> {
                    low = first;
                    lowInclusive = false;
                }
                case ">=", "begins_with" -> low = first;
                case "BETWEEN" -> {
                    low = first;
                    high = second;
                }
                default -> throw new IllegalStateException(operator);
            }
        }
        StoreKey from = lowInclusive ? StoreKey.lowest(hash, low) : StoreKey.highest(hash, low);
        StoreKey to = highInclusive ? StoreKey.highest(hash, high) : StoreKey.lowest(hash, high);
        if (from.compareTo(to) > 0) {
            return new TreeMap<>();
        }
        return view.entries().subMap(from, true, to, true);
    }

    /** Whether an item of the range satisfies the condition (only begins_with needs this check). */
    boolean matches(ObjectNode item) {
        if (!"begins_with".equals(operator)) {
            return true;
        }
        return KeyValue.of(item.get(rangeName)).startsWith(first);
    }
}
