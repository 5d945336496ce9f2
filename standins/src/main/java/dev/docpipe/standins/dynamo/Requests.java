package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docpipe.standins.dynamo.Expressions.Condition;
import dev.docpipe.standins.dynamo.Expressions.Field;
import dev.docpipe.standins.dynamo.Expressions.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reading and checking request parameters. */
final class Requests {
    private Requests() {
    }

    static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String requiredText(JsonNode request, String field, String memberName) {
        String value = text(request, field);
        if (value == null) {
            throw DynamoException.validation("1 validation error detected: Value null at '" + memberName
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    /** An enum-valued parameter: its value (or the default when absent), checked against the allowed set. */
    static String choice(JsonNode request, String field, String memberName, String defaultValue, Set<String> allowed) {
        String value = text(request, field);
        if (value == null) {
            return defaultValue;
        }
        if (!allowed.contains(value)) {
            throw DynamoException.validation("1 validation error detected: Value '" + value + "' at '" + memberName
                    + "' failed to satisfy constraint: Member must satisfy enum value set: " + allowed);
        }
        return value;
    }

    /** The legacy (pre-expression) parameters are not supported by the stand-in. */
    static void rejectLegacy(JsonNode request, String... fields) {
        for (String field : fields) {
            JsonNode value = request.get(field);
            if (value != null && !value.isNull()) {
                throw DynamoException.validation("The docpipe DynamoDB stand-in does not support the legacy parameter "
                        + field + "; use the expression parameters instead");
            }
        }
    }

    /** A condition-like expression parameter, or null when absent (an empty string is an error). */
    static Condition condition(JsonNode request, String field, ExpressionContext context) {
        String text = text(request, field);
        return text == null ? null : ExpressionParser.parseCondition(text, field, context);
    }

    /** ProjectionExpression or AttributesToGet as paths, or null when neither is given. */
    static List<Path> projection(JsonNode request, ExpressionContext context) {
        String text = text(request, "ProjectionExpression");
        JsonNode attributesToGet = request.get("AttributesToGet");
        boolean legacy = attributesToGet != null && !attributesToGet.isNull();
        if (text != null && legacy) {
            throw DynamoException.validation("Can not use both expression and non-expression parameters in the same request: "
                    + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}");
        }
        if (text != null) {
            return ExpressionParser.parseProjection(text, context);
        }
        if (legacy) {
            List<Path> paths = new ArrayList<>();
            attributesToGet.forEach(name -> paths.add(new Path(List.of(new Field(name.asText())))));
            return paths;
        }
        return null;
    }

    static Integer limit(JsonNode request) {
        JsonNode limit = request.get("Limit");
        if (limit == null || limit.isNull()) {
            return null;
        }
        if (limit.asInt() < 1) {
            throw DynamoException.validation("1 validation error detected: Value '" + limit.asText()
                    + "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
        }
        return limit.asInt();
    }
}
