package dev.docpipe.adapter;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The one URL-connection HTTP client that every SDK client a Lambda function builds from its
 * environment shares (DynamoDB, S3, SQS, Secrets Manager): it is stateless and thread-safe, and each
 * instance sets up its own TLS context (the JDK's trust store read and parsed), which costs a cold
 * start once instead of once per service. An SDK client given a client it did not build never
 * closes it.
 */
public final class AwsHttp {
    private AwsHttp() {
    }

    public static SdkHttpClient client() {
        return Holder.CLIENT;
    }

    private static final class Holder {
        static final SdkHttpClient CLIENT = UrlConnectionHttpClient.create();
    }
}
