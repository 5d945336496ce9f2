package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The ExpressionAttributeNames and ExpressionAttributeValues of one request (or one transaction action),
 * tracking which placeholders the expressions used: DynamoDB rejects both undefined and unused ones.
 */
final class ExpressionContext {
    private final Map<String, String> names;
    private final Map<String, JsonNode> values;
    private final Set<String> usedNames = new LinkedHashSet<>();
    private final Set<String> usedValues = new LinkedHashSet<>();
    private boolean anyExpression;

    private ExpressionContext(Map<String, String> names, Map<String, JsonNode> values) {
        this.names = names;
        this.values = values;
    }

    /** Reads ExpressionAttributeNames/Values from a request object. */
    static ExpressionContext of(JsonNode request) {
        Map<String, String> names = null;
        JsonNode namesNode = request.get("ExpressionAttributeNames");
        if (namesNode != null && !namesNode.isNull()) {
            if (namesNode.isEmpty()) {
                throw DynamoException.validation("ExpressionAttributeNames must not be empty");
            }
            names = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : namesNode.properties()) {
                names.put(e.getKey(), e.getValue().asText());
            }
        }
        Map<String, JsonNode> values = null;
        JsonNode valuesNode = request.get("ExpressionAttributeValues");
        if (valuesNode != null && !valuesNode.isNull()) {
            if (valuesNode.isEmpty()) {
                throw DynamoException.validation("ExpressionAttributeValues must not be empty");
            }
            values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : valuesNode.properties()) {
                if (!e.getKey().startsWith(":")) {
                    throw DynamoException.validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + e.getKey() + "\"");
                }
                values.put(e.getKey(), AttributeValues.validated(e.getValue()));
            }
        }
        return new ExpressionContext(names, values);
    }

    /** Marks that an expression of the request is being parsed. */
    void expressionSeen() {
        anyExpression = true;
    }

    String name(String placeholder, String kind) {
        String name = names == null ? null : names.get(placeholder);
        if (name == null) {
            throw DynamoException.validation("Invalid " + kind + ": An expression attribute name used in the document path "
                    + "is not defined; attribute name: " + placeholder);
        }
        usedNames.add(placeholder);
        return name;
    }

    JsonNode value(String placeholder, String kind) {
        JsonNode value = values == null ? null : values.get(placeholder);
        if (value == null) {
            throw DynamoException.validation("Invalid " + kind + ": An expression attribute value used in expression is not "
                    + "defined; attribute value: " + placeholder);
        }
        usedValues.add(placeholder);
        return value;
    }

    /** After all expressions of the request are parsed: every supplied placeholder must have been used. */
    void verifyAllUsed() {
        if (!anyExpression) {
            if (values != null) {
                throw DynamoException.validation("ExpressionAttributeValues can only be specified when using expressions");
            }
            if (names != null) {
                throw DynamoException.validation("ExpressionAttributeNames can only be specified when using expressions");
            }
        }
        if (names != null && !usedNames.containsAll(names.keySet())) {
            Set<String> unused = new LinkedHashSet<>(names.keySet());
            unused.removeAll(usedNames);
            throw DynamoException.validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                    + String.join(", ", unused) + "}");
        }
        if (values != null && !usedValues.containsAll(values.keySet())) {
            Set<String> unused = new LinkedHashSet<>(values.keySet());
            unused.removeAll(usedValues);
            throw DynamoException.validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                    + String.join(", ", unused) + "}");
        }
    }
}
