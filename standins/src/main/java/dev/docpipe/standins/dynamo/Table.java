package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/**
 * A table's items, ordered by primary key, and its global secondary indexes. Not thread-safe: the
 * {@link Database} lock guards it. Stored items are never mutated, only replaced.
 */
final class Table implements ItemView {
    private final TableDefinition definition;
    private final TreeMap<StoreKey, ObjectNode> items = new TreeMap<>();
    private final Map<String, GlobalIndex> indexes = new LinkedHashMap<>();
    private String ttlAttribute;
    private long sizeBytes;

    Table(TableDefinition definition) {
        this.definition = definition;
        for (TableDefinition.IndexDefinition index : definition.indexes()) {
            indexes.put(index.name(), new GlobalIndex(this, index));
        }
    }

    TableDefinition definition() {
        return definition;
    }

    String name() {
        return definition.name();
    }

    /** The TTL attribute, or null when TTL is disabled. */
    String ttlAttribute() {
        return ttlAttribute;
    }

    void ttlAttribute(String attribute) {
        this.ttlAttribute = attribute;
    }

    GlobalIndex index(String name) {
        return indexes.get(name);
    }

    Collection<GlobalIndex> indexes() {
        return indexes.values();
    }

    int itemCount() {
        return items.size();
    }

    // ---------------------------------------------------------------- ItemView

    @Override
    public Table table() {
        return this;
    }

    @Override
    public String indexName() {
        return null;
    }

    @Override
    public KeySchema keys() {
        return definition.keys();
    }

    @Override
    public NavigableMap<StoreKey, ObjectNode> entries() {
        return items;
    }

    @Override
    public StoreKey storeKey(ObjectNode item) {
        KeySchema keys = keys();
        return StoreKey.ofTable(KeyValue.of(item.get(keys.hashName())),
                keys.hasRange() ? KeyValue.of(item.get(keys.rangeName())) : KeyValue.NONE);
    }

    @Override
    public boolean projectsAllAttributes() {
        return true;
    }

    @Override
    public ObjectNode project(ObjectNode item) {
        return item;
    }

    // ---------------------------------------------------------------- reads and writes

    ObjectNode get(StoreKey key) {
        return items.get(key);
    }

    /** Inserts or replaces the item with the same key. */
    void put(ObjectNode item) {
        StoreKey key = storeKey(item);
        ObjectNode old = items.put(key, item);
        if (old != null) {
            sizeBytes -= AttributeValues.itemSize(old);
            indexes.values().forEach(index -> index.remove(old));
        }
        sizeBytes += AttributeValues.itemSize(item);
        indexes.values().forEach(index -> index.add(item));
    }

    void delete(StoreKey key) {
        ObjectNode old = items.remove(key);
        if (old != null) {
            sizeBytes -= AttributeValues.itemSize(old);
            indexes.values().forEach(index -> index.remove(old));
        }
    }

    // ---------------------------------------------------------------- request validation

    /** Validates a request's Key (exactly the key attributes, of the declared types) and normalises it. */
    ObjectNode validatedKey(JsonNode key) {
        ObjectNode validated = AttributeValues.validatedItem(key, "Key");
        List<String> names = keys().names();
        if (validated.size() != names.size()) {
            throw DynamoException.validation("The provided key element does not match the schema");
        }
        for (String name : names) {
            JsonNode value = validated.get(name);
            if (value == null || !AttributeValues.type(value).equals(definition.attributeTypes().get(name))) {
                throw DynamoException.validation("The provided key element does not match the schema");
            }
            rejectEmptyKeyValue(name, value, null);
        }
        return validated;
    }

    StoreKey storeKeyOfRequestKey(JsonNode key) {
        return storeKey(validatedKey(key));
    }

    /** The key attributes of an item. */
    ObjectNode keyOf(ObjectNode item) {
        ObjectNode key = JSON.objectNode();
        for (String name : keys().names()) {
            key.set(name, item.get(name));
        }
        return key;
    }

    /**
     * Checks an item about to be stored: key attributes present with the declared types, index key
     * attributes (when present) of the declared types, no empty key values, at most 400 KB.
     */
    void validateItem(ObjectNode item, boolean update) {
        for (String name : keys().names()) {
            JsonNode value = item.get(name);
            if (value == null) {
                throw DynamoException.validation("One or more parameter values were invalid: Missing the key " + name + " in the item");
            }
            String expected = definition.attributeTypes().get(name);
            String actual = AttributeValues.type(value);
            if (!actual.equals(expected)) {
                throw DynamoException.validation("One or more parameter values were invalid: Type mismatch for key "
                        + name + " expected: " + expected + " actual: " + actual);
            }
            rejectEmptyKeyValue(name, value, null);
        }
        for (GlobalIndex index : indexes.values()) {
            for (String name : index.keys().names()) {
                JsonNode value = item.get(name);
                if (value == null || keys().isKeyAttribute(name)) {
                    continue;
                }
                String expected = definition.attributeTypes().get(name);
                String actual = AttributeValues.type(value);
                if (!actual.equals(expected)) {
                    throw DynamoException.validation("One or more parameter values were invalid: Type mismatch for Index Key "
                            + name + " Expected: " + expected + " Actual: " + actual + " IndexName: " + index.indexName());
                }
                rejectEmptyKeyValue(name, value, index.indexName());
            }
        }
        if (AttributeValues.itemSize(item) > AttributeValues.MAX_ITEM_SIZE) {
            throw DynamoException.validation(update ? "Item size to update has exceeded the maximum allowed size"
                    : "Item size has exceeded the maximum allowed size");
        }
    }

    private static void rejectEmptyKeyValue(String name, JsonNode value, String indexName) {
        String type = AttributeValues.type(value);
        if ((type.equals("S") || type.equals("B")) && value.get(type).textValue().isEmpty()) {
            String what = type.equals("S") ? "string" : "binary";
            if (indexName == null) {
                throw DynamoException.validation("One or more parameter values are not valid. The AttributeValue for a key "
                        + "attribute cannot contain an empty " + what + " value. Key: " + name);
            }
            throw DynamoException.validation("One or more parameter values are not valid. A value specified for a secondary "
                    + "index key is not supported. The AttributeValue for a key attribute cannot contain an empty " + what
                    + " value. IndexName: " + indexName + ", IndexKey: " + name);
        }
    }

    // ---------------------------------------------------------------- description

    ObjectNode describe(String status) {
        ObjectNode description = JSON.objectNode();
        description.set("AttributeDefinitions", definition.attributeDefinitionsJson());
        description.put("TableName", name());
        description.set("KeySchema", TableDefinition.keySchemaJson(keys()));
        description.put("TableStatus", status);
        description.put("CreationDateTime", definition.creationDateTime());
        description.set("ProvisionedThroughput", throughput());
        description.put("TableSizeBytes", sizeBytes);
        description.put("ItemCount", items.size());
        description.put("TableArn", definition.arn());
        description.put("TableId", definition.tableId());
        if (definition.billingMode().equals("PAY_PER_REQUEST")) {
            description.putObject("BillingModeSummary")
                    .put("BillingMode", "PAY_PER_REQUEST")
                    .put("LastUpdateToPayPerRequestDateTime", definition.creationDateTime());
        }
        if (!indexes.isEmpty()) {
            ArrayNode gsis = description.putArray("GlobalSecondaryIndexes");
            for (GlobalIndex index : indexes.values()) {
                ObjectNode gsi = gsis.addObject();
                gsi.put("IndexName", index.indexName());
                gsi.set("KeySchema", TableDefinition.keySchemaJson(index.keys()));
                gsi.set("Projection", TableDefinition.projectionJson(index.definition()));
                gsi.put("IndexStatus", "ACTIVE");
                gsi.set("ProvisionedThroughput", throughput());
                gsi.put("IndexSizeBytes", index.sizeBytes());
                gsi.put("ItemCount", index.entries().size());
                gsi.put("IndexArn", definition.arn() + "/index/" + index.indexName());
            }
        }
        description.put("DeletionProtectionEnabled", false);
        return description;
    }

    private ObjectNode throughput() {
        return JSON.objectNode()
                .put("NumberOfDecreasesToday", 0)
                .put("ReadCapacityUnits", definition.readCapacity())
                .put("WriteCapacityUnits", definition.writeCapacity());
    }

    /** All items, for snapshots and TTL sweeps. */
    List<ObjectNode> allItems() {
        return new ArrayList<>(items.values());
    }
}
