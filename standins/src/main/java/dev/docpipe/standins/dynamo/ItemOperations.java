package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.standins.dynamo.Expressions.Path;

import java.util.List;
import java.util.Set;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/** PutItem, GetItem, UpdateItem and DeleteItem. */
final class ItemOperations {
    private static final Set<String> PUT_DELETE_RETURN_VALUES = Set.of("NONE", "ALL_OLD");
    private static final Set<String> UPDATE_RETURN_VALUES = Set.of("NONE", "ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW");

    private final Database database;

    ItemOperations(Database database) {
        this.database = database;
    }

    ObjectNode putItem(JsonNode request) {
        return database.write(() -> {
            Table table = database.table(Requests.requiredText(request, "TableName", "tableName"));
            String returnValues = returnValues(request, PUT_DELETE_RETURN_VALUES);
            ItemWrite write = ItemWrite.put(table, request);
            ObjectNode current = write.current();
            ObjectNode result = evaluate(write, current);
            database.commit(List.of(write.change(result)));
            return returnValues.equals("ALL_OLD") ? attributes(current) : JSON.objectNode();
        });
    }

    ObjectNode deleteItem(JsonNode request) {
        return database.write(() -> {
            Table table = database.table(Requests.requiredText(request, "TableName", "tableName"));
            String returnValues = returnValues(request, PUT_DELETE_RETURN_VALUES);
            ItemWrite write = ItemWrite.delete(table, request);
            ObjectNode current = write.current();
            evaluate(write, current);
            if (current != null) {
                database.commit(List.of(write.change(null)));
            }
            return returnValues.equals("ALL_OLD") ? attributes(current) : JSON.objectNode();
        });
    }

    ObjectNode updateItem(JsonNode request) {
        return database.write(() -> {
            Table table = database.table(Requests.requiredText(request, "TableName", "tableName"));
            String returnValues = returnValues(request, UPDATE_RETURN_VALUES);
            ItemWrite write = ItemWrite.update(table, request);
            ObjectNode current = write.current();
            ObjectNode updated = evaluate(write, current);
            database.commit(List.of(write.change(updated)));
            List<Path> touched = write.update().targets();
            return switch (returnValues) {
                case "ALL_OLD" -> attributes(current);
                case "ALL_NEW" -> attributes(updated);
                case "UPDATED_OLD" -> attributes(current == null ? null : Projection.apply(touched, current));
                case "UPDATED_NEW" -> attributes(Projection.apply(touched, updated));
                default -> JSON.objectNode();
            };
        });
    }

    ObjectNode getItem(JsonNode request) {
        return database.read(() -> {
            Table table = database.table(Requests.requiredText(request, "TableName", "tableName"));
            ObjectNode key = table.validatedKey(request.get("Key"));
            ExpressionContext context = ExpressionContext.of(request);
            List<Path> projection = Requests.projection(request, context);
            context.verifyAllUsed();
            ObjectNode item = table.get(table.storeKey(key));
            ObjectNode response = JSON.objectNode();
            if (item != null) {
                response.set("Item", Projection.apply(projection, item));
            }
            return response;
        });
    }

    /** Runs a single write's condition; a failure becomes ConditionalCheckFailedException. */
    private static ObjectNode evaluate(ItemWrite write, ObjectNode current) {
        try {
            return write.evaluate(current);
        } catch (ItemWrite.ConditionFailed failed) {
            throw DynamoException.conditionalCheckFailed(failed.reportedItem());
        }
    }

    private static String returnValues(JsonNode request, Set<String> allowed) {
        String value = Requests.choice(request, "ReturnValues", "returnValues", "NONE", UPDATE_RETURN_VALUES);
        if (!allowed.contains(value)) {
            throw DynamoException.validation("Return values set to invalid value");
        }
        return value;
    }

    /** {"Attributes": item}, or {} when there is nothing to return. */
    private static ObjectNode attributes(ObjectNode item) {
        ObjectNode response = JSON.objectNode();
        if (item != null && !item.isEmpty()) {
            response.set("Attributes", item);
        }
        return response;
    }
}
