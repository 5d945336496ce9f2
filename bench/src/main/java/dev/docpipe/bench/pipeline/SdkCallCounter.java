package dev.docpipe.bench.pipeline;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Locale;

/**
 * Counts every AWS SDK call in the JVM (DynamoDB, SQS, S3: one per API call, retries not counted
 * again) under the caller's {@link Calls#role()}. The SDK loads it as a global interceptor from the
 * classpath resource {@code software/amazon/awssdk/global/handlers/execution.interceptors}, which
 * {@link EndToEndBench} writes into a directory it puts first on its child JVM's classpath — so the
 * job store's DynamoDB client, built inside {@code LocalPipeline}, is counted without a hook.
 */
public final class SdkCallCounter implements ExecutionInterceptor {
    static volatile boolean loaded;

    public SdkCallCounter() {
        loaded = true;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Calls.count(service == null ? "sdk" : service.toLowerCase(Locale.ROOT), operation == null ? "?" : operation);
    }
}
