package dev.docpipe.config;

import dev.docpipe.adapter.AwsHttp;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * AWS SDK clients, built once per JVM (per Lambda execution environment) with the light
 * URL-connection HTTP client, one for all of them ({@link AwsHttp}). Region, credentials and endpoints come from the SDK's standard
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
                .httpClient(AwsHttp.client())
                .build();
    }

    private static final class DynamoHolder {
        static final DynamoDbClient CLIENT = DynamoDbClient.builder()
                .httpClient(AwsHttp.client())
                .build();
    }
}
