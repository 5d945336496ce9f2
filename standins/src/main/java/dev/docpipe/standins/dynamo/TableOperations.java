package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/**
 * CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTimeToLive and DescribeTimeToLive. Tables are
 * ACTIVE as soon as they are created and gone as soon as they are deleted.
 */
final class TableOperations {
    private final Database database;

    TableOperations(Database database) {
        this.database = database;
    }

    ObjectNode createTable(JsonNode request) {
        return database.write(() -> {
            TableDefinition definition = TableDefinition.fromCreateRequest(request);
            database.createTable(definition);
            ObjectNode response = JSON.objectNode();
            response.set("TableDescription", database.table(definition.name()).describe("ACTIVE"));
            return response;
        });
    }

    ObjectNode describeTable(JsonNode request) {
        return database.read(() -> {
            String name = Requests.requiredText(request, "TableName", "tableName");
            Table table = database.findTable(name);
            if (table == null) {
                throw DynamoException.resourceNotFound("Requested resource not found: Table: " + name + " not found");
            }
            ObjectNode response = JSON.objectNode();
            response.set("Table", table.describe("ACTIVE"));
            return response;
        });
    }

    ObjectNode listTables(JsonNode request) {
        return database.read(() -> {
            int limit = request.path("Limit").asInt(100);
            if (limit < 1 || limit > 100) {
                throw DynamoException.validation("1 validation error detected: Value '" + limit
                        + "' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
            }
            String start = Requests.text(request, "ExclusiveStartTableName");
            var names = start == null ? database.tables().navigableKeySet() : database.tables().navigableKeySet().tailSet(start, false);
            ObjectNode response = JSON.objectNode();
            ArrayNode tableNames = response.putArray("TableNames");
            String last = null;
            for (String name : names) {
                if (tableNames.size() == limit) {
                    response.put("LastEvaluatedTableName", last);
                    break;
                }
                tableNames.add(name);
                last = name;
            }
            return response;
        });
    }

    ObjectNode deleteTable(JsonNode request) {
        return database.write(() -> {
            Table table = database.deleteTable(Requests.requiredText(request, "TableName", "tableName"));
            ObjectNode response = JSON.objectNode();
            response.set("TableDescription", table.describe("DELETING"));
            return response;
        });
    }

    ObjectNode updateTimeToLive(JsonNode request) {
        return database.write(() -> {
            Table table = database.table(Requests.requiredText(request, "TableName", "tableName"));
            JsonNode specification = request.get("TimeToLiveSpecification");
            String attribute = specification == null ? null : Requests.text(specification, "AttributeName");
            if (attribute == null || attribute.isEmpty() || !specification.has("Enabled")) {
                throw DynamoException.validation("1 validation error detected: TimeToLiveSpecification requires AttributeName and Enabled");
            }
            boolean enable = specification.get("Enabled").asBoolean();
            String current = table.ttlAttribute();
            if (enable && current != null) {
                throw DynamoException.validation(current.equals(attribute) ? "TimeToLive is already enabled"
                        : "TimeToLive is active on a different AttributeName: current AttributeName is " + current);
            }
            if (!enable && current == null) {
                throw DynamoException.validation("TimeToLive is already disabled");
            }
            if (!enable && !current.equals(attribute)) {
                throw DynamoException.validation("TimeToLive is active on a different AttributeName: current AttributeName is " + current);
            }
            database.updateTimeToLive(table, enable ? attribute : null);
            ObjectNode response = JSON.objectNode();
            response.putObject("TimeToLiveSpecification").put("AttributeName", attribute).put("Enabled", enable);
            return response;
        });
    }

    ObjectNode describeTimeToLive(JsonNode request) {
        return database.read(() -> {
            Table table = database.table(Requests.requiredText(request, "TableName", "tableName"));
            ObjectNode response = JSON.objectNode();
            ObjectNode description = response.putObject("TimeToLiveDescription");
            if (table.ttlAttribute() == null) {
                description.put("TimeToLiveStatus", "DISABLED");
            } else {
                description.put("TimeToLiveStatus", "ENABLED").put("AttributeName", table.ttlAttribute());
            }
            return response;
        });
    }
}
