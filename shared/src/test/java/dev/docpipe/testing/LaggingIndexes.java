package dev.docpipe.testing;

import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes a DynamoDB client see its global secondary indexes lag the table, as DynamoDB's GSIs do
 * (they are eventually consistent; neither the stand-in nor moto shows it). Until {@link #freeze()},
 * every index query passes through and its answer is remembered; after it, the same query answers
 * what the index held at that moment, however the table has moved on since. Table reads are never
 * touched. Install with {@code overrideConfiguration(c -> c.addExecutionInterceptor(lag))}.
 */
public final class LaggingIndexes implements ExecutionInterceptor {
    private final Map<List<Object>, SdkResponse> seen = new ConcurrentHashMap<>();
    private volatile boolean frozen;

    /** From now on, index queries answer the index as it was. */
    public void freeze() {
        frozen = true;
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof QueryRequest q) || q.indexName() == null) {
            return context.response();
        }
        List<Object> key = List.of(q.tableName(), q.indexName(), String.valueOf(q.keyConditionExpression()),
                q.expressionAttributeValues().toString(), String.valueOf(q.exclusiveStartKey()));
        if (frozen && seen.containsKey(key)) {
            return seen.get(key);
        }
        seen.put(key, context.response());
        return context.response();
    }
}
