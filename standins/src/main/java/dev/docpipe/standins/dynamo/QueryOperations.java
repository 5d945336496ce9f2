package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.standins.dynamo.Expressions.Condition;
import dev.docpipe.standins.dynamo.Expressions.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Predicate;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/**
 * Query and Scan. A page evaluates items in key order until Limit items were <em>evaluated</em> (before the
 * filter) or about 1 MB was read; it then returns a LastEvaluatedKey, as DynamoDB does, even when no item
 * follows. Index pages' keys hold the table key plus the index key.
 */
final class QueryOperations {
    private static final long PAGE_BYTES = 1024 * 1024;
    private static final Set<String> SELECTS =
            Set.of("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT");

    private final Database database;

    QueryOperations(Database database) {
        this.database = database;
    }

    ObjectNode query(JsonNode request) {
        return database.read(() -> {
            Requests.rejectLegacy(request, "KeyConditions", "QueryFilter", "ConditionalOperator");
            ItemView view = view(request);
            ExpressionContext context = ExpressionContext.of(request);
            String keyText = Requests.text(request, "KeyConditionExpression");
            if (keyText == null) {
                throw DynamoException.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
            }
            KeyCondition key = KeyCondition.parse(keyText, view, context);
            Condition filter = Requests.condition(request, "FilterExpression", context);
            if (filter != null) {
                rejectKeyAttributesInFilter(filter, view);
            }
            List<Path> projection = Requests.projection(request, context);
            context.verifyAllUsed();
            boolean countOnly = select(request, view, projection);
            Integer limit = Requests.limit(request);
            boolean forward = !request.has("ScanIndexForward") || request.get("ScanIndexForward").asBoolean(true);

            NavigableMap<StoreKey, ObjectNode> range = key.range(view);
            if (request.hasNonNull("ExclusiveStartKey")) {
                StoreKey start = view.exclusiveStartKey(request.get("ExclusiveStartKey"));
                if (!start.hash().equals(key.hash())) {
                    throw DynamoException.validation("The provided starting key is outside query boundaries based on provided conditions");
                }
                range = forward ? range.tailMap(start, false) : range.headMap(start, false);
            }
            Iterable<Map.Entry<StoreKey, ObjectNode>> ordered = forward ? range.entrySet() : range.descendingMap().entrySet();
            return page(view, ordered, key::matches, filter, projection, countOnly, limit);
        });
    }

    ObjectNode scan(JsonNode request) {
        return database.read(() -> {
            Requests.rejectLegacy(request, "ScanFilter", "ConditionalOperator");
            ItemView view = view(request);
            ExpressionContext context = ExpressionContext.of(request);
            Condition filter = Requests.condition(request, "FilterExpression", context);
            List<Path> projection = Requests.projection(request, context);
            context.verifyAllUsed();
            boolean countOnly = select(request, view, projection);
            Integer limit = Requests.limit(request);
            Predicate<ObjectNode> inSegment = segment(request, view);

            NavigableMap<StoreKey, ObjectNode> entries = view.entries();
            if (request.hasNonNull("ExclusiveStartKey")) {
                entries = entries.tailMap(view.exclusiveStartKey(request.get("ExclusiveStartKey")), false);
            }
            return page(view, entries.entrySet(), inSegment, filter, projection, countOnly, limit);
        });
    }

    private ItemView view(JsonNode request) {
        Table table = database.table(Requests.requiredText(request, "TableName", "tableName"));
        String indexName = Requests.text(request, "IndexName");
        if (indexName == null) {
            return table;
        }
        GlobalIndex index = table.index(indexName);
        if (index == null) {
            throw DynamoException.validation("The table does not have the specified index: " + indexName);
        }
        if (request.path("ConsistentRead").asBoolean(false)) {
            throw DynamoException.validation("Consistent reads are not supported on global secondary indexes");
        }
        return index;
    }

    /** Whether only counts are wanted; checks Select against the projection and the index. */
    private static boolean select(JsonNode request, ItemView view, List<Path> projection) {
        String select = Requests.choice(request, "Select", "select", null, SELECTS);
        if (select == null) {
            return false;
        }
        switch (select) {
            case "COUNT" -> {
                if (projection != null) {
                    throw DynamoException.validation("Cannot specify the ProjectionExpression when choosing to get only the Count");
                }
                return true;
            }
            case "SPECIFIC_ATTRIBUTES" -> {
                if (projection == null) {
                    throw DynamoException.validation("Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet");
                }
            }
            case "ALL_PROJECTED_ATTRIBUTES" -> {
                if (view.indexName() == null) {
                    throw DynamoException.validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
                }
                rejectProjection(projection, select);
            }
            default -> {
                if (!view.projectsAllAttributes()) {
                    throw DynamoException.validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
                            + "supported for global secondary index " + view.indexName() + " because its projection type is not ALL");
                }
                rejectProjection(projection, select);
            }
        }
        return false;
    }

    private static void rejectProjection(List<Path> projection, String select) {
        if (projection != null) {
            throw DynamoException.validation("Cannot specify the ProjectionExpression when choosing to get " + select);
        }
    }

    /** A Query filter may not refer to the queried key attributes. */
    private static void rejectKeyAttributesInFilter(Condition filter, ItemView view) {
        for (String name : topLevelNames(filter, new ArrayList<>())) {
            if (view.keys().isKeyAttribute(name)) {
                throw DynamoException.validation("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + name);
            }
        }
    }

    private static List<String> topLevelNames(Object node, List<String> names) {
        switch (node) {
            case Expressions.And and -> {
                topLevelNames(and.left(), names);
                topLevelNames(and.right(), names);
            }
            case Expressions.Or or -> {
                topLevelNames(or.left(), names);
                topLevelNames(or.right(), names);
            }
            case Expressions.Not not -> topLevelNames(not.condition(), names);
            case Expressions.Comparison c -> {
                topLevelNames(c.left(), names);
                topLevelNames(c.right(), names);
            }
            case Expressions.Between b -> {
                topLevelNames(b.value(), names);
                topLevelNames(b.lower(), names);
                topLevelNames(b.upper(), names);
            }
            case Expressions.In in -> {
                topLevelNames(in.value(), names);
                in.candidates().forEach(c -> topLevelNames(c, names));
            }
            case Expressions.BooleanFunction f -> topLevelNames(f.call(), names);
            case Expressions.FunctionCall call -> call.args().forEach(a -> topLevelNames(a, names));
            case Expressions.PathRef path -> names.add(path.path().topName());
            default -> {
            }
        }
        return names;
    }

    /** Parallel scan: Segment / TotalSegments split the partitions. */
    private static Predicate<ObjectNode> segment(JsonNode request, ItemView view) {
        JsonNode segment = request.get("Segment");
        JsonNode total = request.get("TotalSegments");
        if ((segment == null) != (total == null)) {
            throw DynamoException.validation("The Segment and TotalSegments parameters must be specified together");
        }
        if (segment == null) {
            return item -> true;
        }
        int segments = total.asInt();
        int mine = segment.asInt();
        if (segments < 1 || segments > 1_000_000 || mine < 0 || mine >= segments) {
            throw DynamoException.validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: "
                    + mine + " is not less than TotalSegments: " + segments);
        }
        return item -> Math.floorMod(view.storeKey(item).hash().hashCode(), segments) == mine;
    }

    private static ObjectNode page(ItemView view, Iterable<Map.Entry<StoreKey, ObjectNode>> entries,
                                   Predicate<ObjectNode> include, Condition filter, List<Path> projection,
                                   boolean countOnly, Integer limit) {
        ArrayNode items = JSON.arrayNode();
        int scanned = 0;
        int count = 0;
        long bytes = 0;
        ObjectNode lastEvaluatedKey = null;
        for (Map.Entry<StoreKey, ObjectNode> entry : entries) {
            ObjectNode stored = entry.getValue();
            if (!include.test(stored)) {
                continue;
            }
            ObjectNode visible = view.project(stored);
            scanned++;
            bytes += AttributeValues.itemSize(visible);
            if (filter == null || ConditionEvaluator.matches(filter, visible)) {
                count++;
                if (!countOnly) {
                    items.add(Projection.apply(projection, visible));
                }
            }
            if ((limit != null && scanned >= limit) || bytes >= PAGE_BYTES) {
                lastEvaluatedKey = view.lastEvaluatedKey(stored);
                break;
            }
        }
        ObjectNode response = JSON.objectNode();
        if (!countOnly) {
            response.set("Items", items);
        }
        response.put("Count", count);
        response.put("ScannedCount", scanned);
        if (lastEvaluatedKey != null) {
            response.set("LastEvaluatedKey", lastEvaluatedKey);
        }
        return response;
    }
}
