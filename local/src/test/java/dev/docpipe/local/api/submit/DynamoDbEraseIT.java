package dev.docpipe.local.api.submit;

import dev.docpipe.config.Config;
import dev.docpipe.job.JobId;
import dev.docpipe.local.LocalPipeline;
import dev.docpipe.standins.dynamo.DynamoStandIn;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Erase on the DynamoDB job store: the table is scanned raw for the job's items (job, dedup, indexes' keys). */
class DynamoDbEraseIT extends EraseContract {
    private DynamoStandIn dynamo;
    private DynamoDbClient client;

    @Override
    protected Config.StoreKind store() {
        return Config.StoreKind.DYNAMODB;
    }

    @Override
    protected Map<String, String> settings() {
        dynamo = DynamoStandIn.builder().port(0).ttlSweepInterval(Duration.ofMinutes(1)).build().start();
        client = DynamoDbClient.builder().endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        return Map.of(LocalPipeline.DYNAMODB_ENDPOINT, dynamo.endpoint().toString());
    }

    @Override
    protected List<String> rawRecords(JobId id, String dedupKey) {
        return client.scanPaginator(b -> b.tableName(LocalPipeline.TABLE)).items().stream()
                .map(Object::toString)
                .filter(item -> item.contains(id.value()) || item.contains(dedupKey))
                .toList();
    }

    @AfterAll
    void stopDynamo() {
        if (client != null) {
            client.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }
}
