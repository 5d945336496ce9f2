package dev.docpipe.config;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * AWS SDK clients, built once per JVM (per Lambda execution environment) with the light
 * URL-connection HTTP client. Region, credentials and endpoints come from the SDK's standard
 * environment ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL_DYNAMODB}, …).
 */
public final class AwsClients {
    private AwsClients() {
    }

    public static DynamoDbClient dynamoDb() {
        return DynamoHolder.CLIENT;
    }

    public static SecretsManagerClient secretsManager() {
        return SecretsHolder.CLIENT;
    }

    private static final class SecretsHolder {
        static final SecretsManagerClient CLIENT = SecretsManagerClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static final class DynamoHolder {
        static final DynamoDbClient CLIENT = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
