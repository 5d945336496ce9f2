package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

/** What Query and Scan read: a table, or one of its global secondary indexes, as items ordered by key. */
interface ItemView {

    Table table();

    /** Null for the table itself. */
    String indexName();

    KeySchema keys();

    NavigableMap<StoreKey, ObjectNode> entries();

    /** The position of an item of this view. */
    StoreKey storeKey(ObjectNode item);

    /** The attributes of {@code item} this view holds (all of them, except for a KEYS_ONLY or INCLUDE index). */
    ObjectNode project(ObjectNode item);

    boolean projectsAllAttributes();

    /** The names of the attributes a LastEvaluatedKey/ExclusiveStartKey of this view holds. */
    default Set<String> positionAttributes() {
        Set<String> names = new LinkedHashSet<>(table().definition().keys().names());
        names.addAll(keys().names());
        return names;
    }

    default ObjectNode lastEvaluatedKey(ObjectNode item) {
        ObjectNode key = AttributeValues.JSON.objectNode();
        for (String name : positionAttributes()) {
            key.set(name, item.get(name));
        }
        return key;
    }

    /** Validates an ExclusiveStartKey and turns it into a position in this view. */
    default StoreKey exclusiveStartKey(JsonNode startKey) {
        ObjectNode key = AttributeValues.validatedItem(startKey, "ExclusiveStartKey");
        Set<String> expected = positionAttributes();
        if (key.size() != expected.size() || !expected.containsAll(key.properties().stream().map(Map.Entry::getKey).toList())) {
            throw DynamoException.validation("The provided starting key is invalid: The provided key element does not match the schema");
        }
        for (String name : expected) {
            String type = table().definition().attributeTypes().get(name);
            if (!AttributeValues.type(key.get(name)).equals(type)) {
                throw DynamoException.validation("The provided starting key is invalid: The provided key element does not match the schema");
            }
        }
        return storeKey(key);
    }
}
