package dev.docpipe.adapter.dynamodb;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an update expression and its condition with generated placeholders, so attribute names
 * never collide with DynamoDB's reserved words and values never end up inside expression text.
 */
final class Expression {
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();

    /** {@code #n} for an attribute name (or a dotted path of names). */
    String name(String path) {
        StringBuilder out = new StringBuilder();
        for (String part : path.split("\\.")) {
            String placeholder = "#n" + names.size();
            names.put(placeholder, part);
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(placeholder);
        }
        return out.toString();
    }

    /** {@code #n} for one attribute or map key, taken literally (dots included). */
    String literal(String name) {
        String placeholder = "#n" + names.size();
        names.put(placeholder, name);
        return placeholder;
    }

    /** {@code :v} for a value. */
    String value(AttributeValue v) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, v);
        return placeholder;
    }

    Expression set(String attribute, AttributeValue v) {
        sets.add(name(attribute) + " = " + value(v));
        return this;
    }

    Expression setRaw(String clause) {
        sets.add(clause);
        return this;
    }

    Expression remove(String... attributes) {
        for (String a : attributes) {
            removes.add(name(a));
        }
        return this;
    }

    Expression condition(String clause) {
        conditions.add(clause);
        return this;
    }

    String updateExpression() {
        StringBuilder out = new StringBuilder();
        if (!sets.isEmpty()) {
            out.append("SET ").append(String.join(", ", sets));
        }
        if (!removes.isEmpty()) {
            out.append(out.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removes));
        }
        return out.toString();
    }

    String conditionExpression() {
        return conditions.isEmpty() ? null : String.join(" AND ", conditions);
    }

    Map<String, String> names() {
        return names.isEmpty() ? null : names;
    }

    Map<String, AttributeValue> values() {
        return values.isEmpty() ? null : values;
    }
}
