package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.function.Function;

/** Maps DynamoDB operation names ({@code X-Amz-Target: DynamoDB_20120810.<Operation>}) to their handlers. */
final class RequestDispatcher {
    static final String TARGET_PREFIX = "DynamoDB_20120810.";

    private final Map<String, Function<JsonNode, ObjectNode>> operations;

    RequestDispatcher(Database database) {
        TableOperations tables = new TableOperations(database);
        ItemOperations items = new ItemOperations(database);
        QueryOperations queries = new QueryOperations(database);
        BatchOperations batches = new BatchOperations(database);
        operations = Map.ofEntries(
                Map.entry("CreateTable", tables::createTable),
                Map.entry("DescribeTable", tables::describeTable),
                Map.entry("ListTables", tables::listTables),
                Map.entry("DeleteTable", tables::deleteTable),
                Map.entry("UpdateTimeToLive", tables::updateTimeToLive),
                Map.entry("DescribeTimeToLive", tables::describeTimeToLive),
                Map.entry("PutItem", items::putItem),
                Map.entry("GetItem", items::getItem),
                Map.entry("UpdateItem", items::updateItem),
                Map.entry("DeleteItem", items::deleteItem),
                Map.entry("Query", queries::query),
                Map.entry("Scan", queries::scan),
                Map.entry("TransactWriteItems", batches::transactWriteItems),
                Map.entry("TransactGetItems", batches::transactGetItems),
                Map.entry("BatchGetItem", batches::batchGetItem),
                Map.entry("BatchWriteItem", batches::batchWriteItem));
    }

    /** Runs the operation named by an X-Amz-Target header value. */
    ObjectNode dispatch(String target, JsonNode request) {
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            throw DynamoException.unknownOperation("Missing or unknown X-Amz-Target: " + target);
        }
        String operation = target.substring(TARGET_PREFIX.length());
        Function<JsonNode, ObjectNode> handler = operations.get(operation);
        if (handler == null) {
            throw DynamoException.unknownOperation("The docpipe DynamoDB stand-in does not support the operation " + operation);
        }
        if (request == null || !request.isObject()) {
            throw DynamoException.serialization("the request body must be a JSON object");
        }
        return handler.apply(request);
    }
}
