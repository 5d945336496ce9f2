package dev.docpipe.testing;

import dev.docpipe.standins.dynamo.DynamoStandIn;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** One DynamoDB-protocol stand-in per test JVM, and SDK clients pointed at it. */
public final class DynamoDb {
    private static DynamoStandIn server;
    private static DynamoDbClient client;

    private DynamoDb() {
    }

    public static synchronized DynamoStandIn server() {
        if (server == null) {
            server = DynamoStandIn.builder().port(0).build().start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dynamo-stand-in-stop"));
        }
        return server;
    }

    /** A client of the shared stand-in, built once. */
    public static synchronized DynamoDbClient client() {
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    private static DynamoDbClient newClient() {
        return DynamoDbClient.builder()
                .endpointOverride(server().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
