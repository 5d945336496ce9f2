package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/**
 * An immutable table definition as CreateTable declares it: key schema, attribute types and global
 * secondary indexes. Its JSON form ({@link #toJson()}) is the CreateTable request shape plus creation time
 * and id, used by the journal.
 */
record TableDefinition(String name, KeySchema keys, Map<String, String> attributeTypes,
                       List<IndexDefinition> indexes, String billingMode, long readCapacity, long writeCapacity,
                       double creationDateTime, String tableId) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");

    /** A global secondary index: key, and which attributes it projects (ALL, KEYS_ONLY or INCLUDE). */
    record IndexDefinition(String name, KeySchema keys, String projectionType, List<String> nonKeyAttributes) {
    }

    IndexDefinition index(String indexName) {
        for (IndexDefinition index : indexes) {
            if (index.name().equals(indexName)) {
                return index;
            }
        }
        return null;
    }

    String arn() {
        return "arn:aws:dynamodb:us-east-1:000000000000:table/" + name;
    }

    // ---------------------------------------------------------------- parsing

    static void validateTableName(String name, String field) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw DynamoException.validation("1 validation error detected: Value '" + name + "' at '" + field
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
                    + " and length between 3 and 255");
        }
    }

    /** Parses and validates a CreateTable request. */
    static TableDefinition fromCreateRequest(JsonNode request) {
        return parse(request, System.currentTimeMillis() / 1000.0, UUID.randomUUID().toString());
    }

    /** Reads the journal form written by {@link #toJson()}. */
    static TableDefinition fromJson(JsonNode json) {
        return parse(json, json.path("CreationDateTime").asDouble(), json.path("TableId").asText());
    }

    private static TableDefinition parse(JsonNode request, double created, String tableId) {
        String name = request.path("TableName").asText(null);
        validateTableName(name, "tableName");
        if (request.path("LocalSecondaryIndexes").size() > 0) {
            throw DynamoException.validation("LocalSecondaryIndexes are not supported by the docpipe DynamoDB stand-in");
        }
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode definition : request.path("AttributeDefinitions")) {
            String attribute = definition.path("AttributeName").asText("");
            String type = definition.path("AttributeType").asText("");
            if (attribute.isEmpty() || !AttributeValues.isScalarKeyType(type)) {
                throw DynamoException.validation("One or more parameter values were invalid: invalid AttributeDefinition " + definition);
            }
            if (types.put(attribute, type) != null) {
                throw DynamoException.validation("Cannot have two attributes with the same name");
            }
        }
        KeySchema keys = keySchema(request.path("KeySchema"), types, "table");
        Set<String> used = new LinkedHashSet<>(keys.names());
        List<IndexDefinition> indexes = new ArrayList<>();
        for (JsonNode gsi : request.path("GlobalSecondaryIndexes")) {
            String indexName = gsi.path("IndexName").asText(null);
            validateTableName(indexName, "globalSecondaryIndexes.member.indexName");
            for (IndexDefinition existing : indexes) {
                if (existing.name().equals(indexName)) {
                    throw DynamoException.validation("One or more parameter values were invalid: Duplicate index name: " + indexName);
                }
            }
            KeySchema indexKeys = keySchema(gsi.path("KeySchema"), types, indexName);
            used.addAll(indexKeys.names());
            JsonNode projection = gsi.path("Projection");
            String projectionType = projection.path("ProjectionType").asText("ALL");
            List<String> nonKey = new ArrayList<>();
            projection.path("NonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
            switch (projectionType) {
                case "ALL", "KEYS_ONLY" -> {
                    if (!nonKey.isEmpty()) {
                        throw DynamoException.validation("One or more parameter values were invalid: ProjectionType is "
                                + projectionType + ", but NonKeyAttributes is specified");
                    }
                }
                case "INCLUDE" -> {
                    if (nonKey.isEmpty()) {
                        throw DynamoException.validation("One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
                    }
                }
                default -> throw DynamoException.validation("One or more parameter values were invalid: Unknown ProjectionType: " + projectionType);
            }
            indexes.add(new IndexDefinition(indexName, indexKeys, projectionType, List.copyOf(nonKey)));
        }
        if (!used.equals(types.keySet())) {
            throw DynamoException.validation("One or more parameter values were invalid: Number of attributes in KeySchema does not "
                    + "exactly match number of attributes defined in AttributeDefinitions");
        }
        String billingMode = request.path("BillingMode").asText("PROVISIONED");
        JsonNode throughput = request.path("ProvisionedThroughput");
        long read = 0;
        long write = 0;
        switch (billingMode) {
            case "PAY_PER_REQUEST" -> {
                if (!throughput.isMissingNode() && !throughput.isNull()) {
                    throw DynamoException.validation("One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                            + "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
                }
            }
            case "PROVISIONED" -> {
                read = throughput.path("ReadCapacityUnits").asLong(0);
                write = throughput.path("WriteCapacityUnits").asLong(0);
                if (read < 1 || write < 1) {
                    throw DynamoException.validation("One or more parameter values were invalid: ReadCapacityUnits and "
                            + "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
                }
            }
            default -> throw DynamoException.validation("1 validation error detected: Value '" + billingMode
                    + "' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
        }
        return new TableDefinition(name, keys, Map.copyOf(types), List.copyOf(indexes), billingMode, read, write, created, tableId);
    }

    private static KeySchema keySchema(JsonNode schema, Map<String, String> types, String owner) {
        String hash = null;
        String range = null;
        if (!schema.isArray() || schema.isEmpty() || schema.size() > 2) {
            throw DynamoException.validation("1 validation error detected: Value at 'keySchema' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 2 and greater than or equal to 1");
        }
        for (int i = 0; i < schema.size(); i++) {
            JsonNode element = schema.get(i);
            String attribute = element.path("AttributeName").asText("");
            String keyType = element.path("KeyType").asText("");
            if (i == 0 && keyType.equals("HASH")) {
                hash = attribute;
            } else if (i == 1 && keyType.equals("RANGE")) {
                range = attribute;
            } else {
                throw DynamoException.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type "
                        + "or the second is not a RANGE key type (" + owner + ")");
            }
            if (!types.containsKey(attribute)) {
                throw DynamoException.validation("One or more parameter values were invalid: Some index key attributes are not "
                        + "defined in AttributeDefinitions. Keys: [" + attribute + "], AttributeDefinitions: " + types.keySet());
            }
        }
        if (hash != null && hash.equals(range)) {
            throw DynamoException.validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
        }
        return new KeySchema(hash, range);
    }

    // ---------------------------------------------------------------- JSON

    /** The journal form: the CreateTable request shape plus CreationDateTime and TableId. */
    ObjectNode toJson() {
        ObjectNode json = JSON.objectNode();
        json.put("TableName", name);
        json.set("AttributeDefinitions", attributeDefinitionsJson());
        json.set("KeySchema", keySchemaJson(keys));
        if (!indexes.isEmpty()) {
            ArrayNode gsis = json.putArray("GlobalSecondaryIndexes");
            for (IndexDefinition index : indexes) {
                ObjectNode gsi = gsis.addObject();
                gsi.put("IndexName", index.name());
                gsi.set("KeySchema", keySchemaJson(index.keys()));
                gsi.set("Projection", projectionJson(index));
            }
        }
        json.put("BillingMode", billingMode);
        if (billingMode.equals("PROVISIONED")) {
            json.putObject("ProvisionedThroughput").put("ReadCapacityUnits", readCapacity).put("WriteCapacityUnits", writeCapacity);
        }
        json.put("CreationDateTime", creationDateTime);
        json.put("TableId", tableId);
        return json;
    }

    ArrayNode attributeDefinitionsJson() {
        ArrayNode array = JSON.arrayNode();
        attributeTypes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                array.addObject().put("AttributeName", e.getKey()).put("AttributeType", e.getValue()));
        return array;
    }

    static ArrayNode keySchemaJson(KeySchema keys) {
        ArrayNode array = JSON.arrayNode();
        array.addObject().put("AttributeName", keys.hashName()).put("KeyType", "HASH");
        if (keys.hasRange()) {
            array.addObject().put("AttributeName", keys.rangeName()).put("KeyType", "RANGE");
        }
        return array;
    }

    static ObjectNode projectionJson(IndexDefinition index) {
        ObjectNode projection = JSON.objectNode().put("ProjectionType", index.projectionType());
        if (!index.nonKeyAttributes().isEmpty()) {
            ArrayNode nonKey = projection.putArray("NonKeyAttributes");
            index.nonKeyAttributes().forEach(nonKey::add);
        }
        return projection;
    }
}
