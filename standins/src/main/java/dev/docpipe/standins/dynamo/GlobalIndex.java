package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A global secondary index, kept in step with its table on every write. Sparse: an item lacking one of the
 * index key attributes is not in it. Entries are ordered by index key, then by table key.
 */
final class GlobalIndex implements ItemView {
    private final Table table;
    private final TableDefinition.IndexDefinition definition;
    private final TreeMap<StoreKey, ObjectNode> entries = new TreeMap<>();

    GlobalIndex(Table table, TableDefinition.IndexDefinition definition) {
        this.table = table;
        this.definition = definition;
    }

    TableDefinition.IndexDefinition definition() {
        return definition;
    }

    @Override
    public Table table() {
        return table;
    }

    @Override
    public String indexName() {
        return definition.name();
    }

    @Override
    public KeySchema keys() {
        return definition.keys();
    }

    @Override
    public NavigableMap<StoreKey, ObjectNode> entries() {
        return entries;
    }

    /** Null when the item lacks an index key attribute. */
    @Override
    public StoreKey storeKey(ObjectNode item) {
        JsonNode hash = item.get(keys().hashName());
        JsonNode range = keys().hasRange() ? item.get(keys().rangeName()) : null;
        if (hash == null || (keys().hasRange() && range == null)) {
            return null;
        }
        StoreKey tableKey = table.storeKey(item);
        return new StoreKey(KeyValue.of(hash), range == null ? KeyValue.NONE : KeyValue.of(range),
                tableKey.hash(), tableKey.range());
    }

    void add(ObjectNode item) {
        StoreKey key = storeKey(item);
        if (key != null) {
            entries.put(key, item);
        }
    }

    void remove(ObjectNode item) {
        StoreKey key = storeKey(item);
        if (key != null) {
            entries.remove(key);
        }
    }

    @Override
    public boolean projectsAllAttributes() {
        return definition.projectionType().equals("ALL");
    }

    @Override
    public ObjectNode project(ObjectNode item) {
        if (projectsAllAttributes()) {
            return item;
        }
        ObjectNode projected = AttributeValues.JSON.objectNode();
        for (String name : positionAttributes()) {
            projected.set(name, item.get(name));
        }
        for (String name : definition.nonKeyAttributes()) {
            JsonNode value = item.get(name);
            if (value != null) {
                projected.set(name, value);
            }
        }
        return projected;
    }

    long sizeBytes() {
        long size = 0;
        for (ObjectNode item : entries.values()) {
            size += AttributeValues.itemSize(project(item));
        }
        return size;
    }
}
