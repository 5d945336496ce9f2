package dev.docpipe.standins.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.standins.dynamo.Expressions.Path;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.docpipe.standins.dynamo.AttributeValues.JSON;

/**
 * BatchGetItem, BatchWriteItem, TransactWriteItems and TransactGetItems. Batches never leave unprocessed
 * items. A transaction checks every condition first and then applies all its writes in one commit; since
 * writes are serialised, transactions never conflict with each other. ClientRequestToken makes a repeated
 * transaction idempotent for 10 minutes, as in DynamoDB (tokens are kept in memory only).
 */
final class BatchOperations {
    private static final int MAX_TRANSACTION_ITEMS = 100;
    private static final int MAX_BATCH_GET_KEYS = 100;
    private static final int MAX_BATCH_WRITES = 25;
    private static final long IDEMPOTENCY_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int MAX_REMEMBERED_TOKENS = 100_000;

    private final Database database;
    /**
     * The ClientRequestToken of each successful transaction of the last 10 minutes (at most
     * {@value #MAX_REMEMBERED_TOKENS}), oldest first, with a fingerprint of its actions. Guarded by the write lock.
     */
    private final LinkedHashMap<String, CompletedTransaction> completedTransactions = new LinkedHashMap<>();

    private record CompletedTransaction(String fingerprint, long completedAt) {
    }

    BatchOperations(Database database) {
        this.database = database;
    }

    /** Identifies one item across tables, to reject two operations on the same item. */
    private record ItemIdentity(String table, StoreKey key) {
    }

    ObjectNode transactWriteItems(JsonNode request) {
        JsonNode actions = request.path("TransactItems");
        requireCount(actions, MAX_TRANSACTION_ITEMS, "transactItems");
        String token = Requests.text(request, "ClientRequestToken");
        return database.write(() -> {
            if (token != null && alreadyCompleted(token, actions)) {
                return JSON.objectNode();
            }
            List<ItemWrite> writes = new ArrayList<>();
            Set<ItemIdentity> targets = new HashSet<>();
            for (JsonNode action : actions) {
                ItemWrite write = transactionAction(action);
                if (!targets.add(new ItemIdentity(write.table().name(), write.storeKey()))) {
                    throw DynamoException.validation("Transaction request cannot include multiple operations on one item");
                }
                writes.add(write);
            }
            List<ObjectNode> reasons = new ArrayList<>();
            List<Database.Change> changes = new ArrayList<>();
            boolean cancelled = false;
            for (ItemWrite write : writes) {
                ObjectNode reason = JSON.objectNode();
                try {
                    ObjectNode current = write.current();
                    ObjectNode result = write.evaluate(current);
                    if (write.kind() != ItemWrite.Kind.CHECK && !(write.kind() == ItemWrite.Kind.DELETE && current == null)) {
                        changes.add(write.change(result));
                    }
                    reason.put("Code", "None");
                } catch (ItemWrite.ConditionFailed failed) {
                    cancelled = true;
                    reason.put("Code", "ConditionalCheckFailed").put("Message", DynamoException.CONDITION_FAILED_MESSAGE);
                    if (failed.reportedItem() != null) {
                        reason.set("Item", failed.reportedItem());
                    }
                } catch (DynamoException invalid) {
                    cancelled = true;
                    reason.put("Code", "ValidationError").put("Message", invalid.getMessage());
                }
                reasons.add(reason);
            }
            if (cancelled) {
                throw DynamoException.transactionCanceled(reasons);
            }
            database.commit(changes);
            if (token != null) {
                completedTransactions.put(token, new CompletedTransaction(fingerprint(actions), System.nanoTime()));
                if (completedTransactions.size() > MAX_REMEMBERED_TOKENS) {
                    completedTransactions.pollFirstEntry();
                }
            }
            return JSON.objectNode();
        });
    }

    /**
     * DynamoDB's idempotency: a transaction repeating the ClientRequestToken of one that succeeded within
     * the last 10 minutes succeeds again without applying anything (the SDK sends the same token on a retry);
     * the same token with different actions is an IdempotentParameterMismatchException.
     */
    private boolean alreadyCompleted(String token, JsonNode actions) {
        long now = System.nanoTime();
        for (var oldest = completedTransactions.firstEntry();
             oldest != null && now - oldest.getValue().completedAt() > IDEMPOTENCY_WINDOW_NANOS;
             oldest = completedTransactions.firstEntry()) {
            completedTransactions.pollFirstEntry();
        }
        CompletedTransaction done = completedTransactions.get(token);
        if (done == null) {
            return false;
        }
        if (!done.fingerprint().equals(fingerprint(actions))) {
            throw DynamoException.idempotentParameterMismatch();
        }
        return true;
    }

    private static String fingerprint(JsonNode actions) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(actions.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private ItemWrite transactionAction(JsonNode action) {
        List<String> present = new ArrayList<>();
        action.fieldNames().forEachRemaining(present::add);
        if (present.size() != 1) {
            throw DynamoException.validation("TransactItems can only contain one of Check, Put, Update or Delete");
        }
        String type = present.get(0);
        JsonNode body = action.get(type);
        Table table = database.table(Requests.requiredText(body, "TableName", "tableName"));
        return switch (type) {
            case "Put" -> ItemWrite.put(table, body);
            case "Update" -> ItemWrite.update(table, body);
            case "Delete" -> ItemWrite.delete(table, body);
            case "ConditionCheck" -> ItemWrite.conditionCheck(table, body);
            default -> throw DynamoException.validation("TransactItems can only contain one of Check, Put, Update or Delete");
        };
    }

    ObjectNode transactGetItems(JsonNode request) {
        JsonNode actions = request.path("TransactItems");
        requireCount(actions, MAX_TRANSACTION_ITEMS, "transactItems");
        return database.read(() -> {
            record Get(Table table, StoreKey key, List<Path> projection) {
            }
            List<Get> gets = new ArrayList<>();
            for (JsonNode action : actions) {
                JsonNode get = action.get("Get");
                if (get == null || action.size() != 1) {
                    throw DynamoException.validation("TransactGetItems can only contain Get actions");
                }
                Table table = database.table(Requests.requiredText(get, "TableName", "tableName"));
                StoreKey key = table.storeKeyOfRequestKey(get.get("Key"));
                ExpressionContext context = ExpressionContext.of(get);
                List<Path> projection = Requests.projection(get, context);
                context.verifyAllUsed();
                gets.add(new Get(table, key, projection));
            }
            ObjectNode response = JSON.objectNode();
            ArrayNode responses = response.putArray("Responses");
            for (Get get : gets) {
                ObjectNode item = get.table().get(get.key());
                ObjectNode entry = responses.addObject();
                if (item != null) {
                    entry.set("Item", Projection.apply(get.projection(), item));
                }
            }
            return response;
        });
    }

    ObjectNode batchGetItem(JsonNode request) {
        JsonNode requestItems = request.path("RequestItems");
        if (!requestItems.isObject() || requestItems.isEmpty()) {
            throw DynamoException.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                    + "Member must have length greater than or equal to 1");
        }
        return database.read(() -> {
            ObjectNode response = JSON.objectNode();
            ObjectNode responses = response.putObject("Responses");
            int total = 0;
            for (Map.Entry<String, JsonNode> entry : requestItems.properties()) {
                Table table = database.table(entry.getKey());
                JsonNode keysAndAttributes = entry.getValue();
                JsonNode keys = keysAndAttributes.path("Keys");
                if (!keys.isArray() || keys.isEmpty()) {
                    throw DynamoException.validation("1 validation error detected: Value at 'requestItems." + entry.getKey()
                            + ".member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1");
                }
                total += keys.size();
                if (total > MAX_BATCH_GET_KEYS) {
                    throw DynamoException.validation("Too many items requested for the BatchGetItem call");
                }
                ExpressionContext context = ExpressionContext.of(keysAndAttributes);
                List<Path> projection = Requests.projection(keysAndAttributes, context);
                context.verifyAllUsed();
                Set<StoreKey> seen = new HashSet<>();
                ArrayNode found = responses.putArray(table.name());
                for (JsonNode key : keys) {
                    StoreKey storeKey = table.storeKeyOfRequestKey(key);
                    if (!seen.add(storeKey)) {
                        throw DynamoException.validation("Provided list of item keys contains duplicates");
                    }
                    ObjectNode item = table.get(storeKey);
                    if (item != null) {
                        found.add(Projection.apply(projection, item));
                    }
                }
            }
            response.putObject("UnprocessedKeys");
            return response;
        });
    }

    ObjectNode batchWriteItem(JsonNode request) {
        JsonNode requestItems = request.path("RequestItems");
        if (!requestItems.isObject() || requestItems.isEmpty()) {
            throw DynamoException.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                    + "Member must have length greater than or equal to 1");
        }
        return database.write(() -> {
            List<Database.Change> changes = new ArrayList<>();
            Set<ItemIdentity> seen = new HashSet<>();
            for (Map.Entry<String, JsonNode> entry : requestItems.properties()) {
                Table table = database.table(entry.getKey());
                for (JsonNode writeRequest : entry.getValue()) {
                    Database.Change change;
                    if (writeRequest.has("PutRequest") && !writeRequest.has("DeleteRequest")) {
                        ObjectNode item = AttributeValues.validatedItem(writeRequest.get("PutRequest").get("Item"), "Item");
                        table.validateItem(item, false);
                        change = Database.Change.put(table, item);
                    } else if (writeRequest.has("DeleteRequest") && !writeRequest.has("PutRequest")) {
                        change = Database.Change.delete(table, table.validatedKey(writeRequest.get("DeleteRequest").get("Key")));
                    } else {
                        throw DynamoException.validation("1 validation error detected: a WriteRequest must contain "
                                + "exactly one of PutRequest or DeleteRequest");
                    }
                    if (!seen.add(new ItemIdentity(table.name(), table.storeKey(change.key())))) {
                        throw DynamoException.validation("Provided list of item keys contains duplicates");
                    }
                    changes.add(change);
                }
            }
            if (changes.size() > MAX_BATCH_WRITES) {
                throw DynamoException.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: "
                        + "Map value must satisfy constraint: [Member must have length less than or equal to 25]");
            }
            database.commit(changes);
            ObjectNode response = JSON.objectNode();
            response.putObject("UnprocessedItems");
            return response;
        });
    }

    private static void requireCount(JsonNode actions, int max, String member) {
        if (!actions.isArray() || actions.isEmpty() || actions.size() > max) {
            throw DynamoException.validation("1 validation error detected: Value at '" + member + "' failed to satisfy constraint: "
                    + "Member must have length less than or equal to " + max + " and greater than or equal to 1");
        }
    }
}
