package dev.docpipe.bench;

import dev.docpipe.adapter.dynamodb.DynamoDbJobStore;
import dev.docpipe.adapter.dynamodb.DynamoDbTables;
import dev.docpipe.adapter.postgres.PostgresJobStore;
import dev.docpipe.job.DedupKey;
import dev.docpipe.job.Format;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Source;
import dev.docpipe.port.JobStore;
import dev.docpipe.standins.PostgresStandIn;
import dev.docpipe.standins.dynamo.DynamoStandIn;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Starts a store on its real server for a benchmark run and builds jobs for it. */
final class StoreFixture implements AutoCloseable {
    private final AutoCloseable server;
    final JobStore store;

    private StoreFixture(AutoCloseable server, JobStore store) {
        this.server = server;
        this.store = store;
    }

    static StoreFixture start(String kind) {
        Clock clock = Clock.systemUTC();
        return switch (kind) {
            case "dynamodb" -> {
                DynamoStandIn server = DynamoStandIn.builder().port(0).build().start();
                DynamoDbClient client = DynamoDbClient.builder()
                        .endpointOverride(server.endpoint())
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build();
                DynamoDbTables.createJobsTable(client, "docpipe-jobs");
                yield new StoreFixture(server, new DynamoDbJobStore(client, "docpipe-jobs", clock));
            }
            case "postgres" -> {
                try {
                    // a data directory of its own: fsync on, as a real server runs
                    PostgresStandIn server = PostgresStandIn.start(Files.createTempDirectory("docpipe-bench-pg"));
                    PostgresJobStore store = PostgresJobStore.connect(server.jdbcUrl(), 8, clock);
                    yield new StoreFixture(() -> {
                        store.close();
                        server.close();
                    }, store);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            default -> throw new IllegalArgumentException("unknown store " + kind);
        };
    }

    static Job newJob(String owner) {
        Instant now = Instant.now();
        Map<String, String> options = Map.of("pageSize", "A4");
        return Job.newQueued(JobId.newId(now), owner, Source.s3("uploads", "uploads/bench.html"), "bench.html",
                Format.HTML, Priority.DEFAULT, options, DedupKey.of(owner, "sha256:" + UUID.randomUUID(), options), now);
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
