package dev.docpipe.testing;

import dev.docpipe.standins.dynamo.DynamoStandIn;
import dev.docpipe.standins.moto.MotoServer;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.util.List;

/**
 * One DynamoDB-protocol stand-in per test JVM, and SDK clients pointed at it; likewise one moto server,
 * the independent implementation the same tests run against.
 */
public final class DynamoDb {
    private static DynamoStandIn server;
    private static DynamoDbClient client;
    private static DynamoDbClient motoClient;

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

    /**
     * A client of the shared moto server, built once. Where moto cannot run, the calling test is
     * reported skipped with the reason (a JUnit assumption), never passed.
     */
    public static synchronized DynamoDbClient motoClient() {
        assumeMoto();
        if (motoClient == null) {
            motoClient = newClient(MotoServer.shared().endpoint());
        }
        return motoClient;
    }

    /** Skips the calling test, saying why, where moto cannot run. */
    public static void assumeMoto() {
        Assumptions.assumeTrue(MotoServer.unavailableReason().isEmpty(),
                () -> "moto is not available: " + MotoServer.unavailableReason().orElse(""));
    }

    private static DynamoDbClient newClient() {
        return newClient(server().endpoint());
    }

    public static DynamoDbClient newClient(URI endpoint, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .overrideConfiguration(c -> List.of(interceptors).forEach(c::addExecutionInterceptor))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
