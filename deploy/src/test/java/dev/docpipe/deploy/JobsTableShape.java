package dev.docpipe.deploy;

import dev.docpipe.adapter.dynamodb.DynamoDbTables;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveResponse;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The jobs table reduced to what the store depends on: billing mode, attribute types, key schema,
 * the GSIs (keys and projection) and the TTL attribute. Built from template.yaml's resource, from the
 * LocalStack init hook, and from what {@link DynamoDbTables#createJobsTable} really sends.
 */
record JobsTableShape(String billingMode, Map<String, String> attributes, String hashKey,
                      Map<String, String> indexes, String ttlAttribute) {

    /** From a template's {@code AWS::DynamoDB::Table} properties (resolved). */
    static JobsTableShape of(Map<String, Object> p) {
        Map<String, String> attributes = new TreeMap<>();
        for (Object a : Template.list(p.get("AttributeDefinitions"))) {
            attributes.put(String.valueOf(Template.map(a).get("AttributeName")), String.valueOf(Template.map(a).get("AttributeType")));
        }
        Map<String, String> indexes = new TreeMap<>();
        for (Object i : Template.list(p.get("GlobalSecondaryIndexes"))) {
            Map<String, Object> index = Template.map(i);
            indexes.put(String.valueOf(index.get("IndexName")), keys(Template.list(index.get("KeySchema")))
                    + " " + Template.map(index.get("Projection")).get("ProjectionType"));
        }
        Map<String, Object> ttl = Template.map(p.get("TimeToLiveSpecification"));
        return new JobsTableShape(String.valueOf(p.get("BillingMode")), attributes, keys(Template.list(p.get("KeySchema"))),
                indexes, Boolean.TRUE.equals(ttl.get("Enabled")) ? String.valueOf(ttl.get("AttributeName")) : null);
    }

    private static String keys(List<Object> schema) {
        StringBuilder out = new StringBuilder();
        for (Object k : schema) {
            out.append(out.isEmpty() ? "" : ",").append(Template.map(k).get("AttributeName")).append(':')
                    .append(Template.map(k).get("KeyType"));
        }
        return out.toString();
    }

    /** Runs {@link DynamoDbTables#createJobsTable} against a client that only records the requests. */
    static JobsTableShape asDynamoDbTablesCreatesIt() {
        AtomicReference<CreateTableRequest> create = new AtomicReference<>();
        AtomicReference<UpdateTimeToLiveRequest> ttl = new AtomicReference<>();
        DynamoDbClient[] self = new DynamoDbClient[1];
        InvocationHandler recorder = (proxy, method, args) -> {
            Object arg = args == null || args.length == 0 ? null : args[0];
            if (arg instanceof CreateTableRequest r) {
                create.set(r);
                return CreateTableResponse.builder().build();
            }
            if (arg instanceof DescribeTableRequest r) {
                return DescribeTableResponse.builder().table(d -> d.tableName(r.tableName()).tableStatus(TableStatus.ACTIVE)).build();
            }
            if (arg instanceof DescribeTimeToLiveRequest) {
                return DescribeTimeToLiveResponse.builder().timeToLiveDescription(d -> d.timeToLiveStatus(TimeToLiveStatus.DISABLED)).build();
            }
            if (arg instanceof UpdateTimeToLiveRequest r) {
                ttl.set(r);
                return UpdateTimeToLiveResponse.builder().build();
            }
            return switch (method.getName()) {
                case "waiter" -> DynamoDbWaiter.builder().client(self[0]).build();
                case "close" -> null;
                case "serviceName" -> "dynamodb";
                default -> method.isDefault() && arg instanceof java.util.function.Consumer<?>
                        ? InvocationHandler.invokeDefault(proxy, method, args)
                        : throwUnexpected(method.getName());
            };
        };
        self[0] = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, recorder);
        DynamoDbTables.createJobsTable(self[0], "jobs");

        CreateTableRequest r = create.get();
        Map<String, String> attributes = new TreeMap<>();
        r.attributeDefinitions().forEach(a -> attributes.put(a.attributeName(), a.attributeTypeAsString()));
        Map<String, String> indexes = new TreeMap<>();
        for (GlobalSecondaryIndex i : r.globalSecondaryIndexes()) {
            indexes.put(i.indexName(), sdkKeys(i.keySchema()) + " " + i.projection().projectionTypeAsString());
        }
        return new JobsTableShape(r.billingModeAsString(), attributes, sdkKeys(r.keySchema()), indexes,
                ttl.get() == null ? null : ttl.get().timeToLiveSpecification().attributeName());
    }

    private static String sdkKeys(List<KeySchemaElement> schema) {
        StringBuilder out = new StringBuilder();
        for (KeySchemaElement k : schema) {
            out.append(out.isEmpty() ? "" : ",").append(k.attributeName()).append(':').append(k.keyTypeAsString());
        }
        return out.toString();
    }

    private static Object throwUnexpected(String method) {
        throw new UnsupportedOperationException("DynamoDbTables called " + method + ", which this recorder does not model");
    }
}
