package dev.docpipe.local;

import dev.docpipe.config.Config;
import dev.docpipe.job.Job;
import dev.docpipe.port.JobQuery;
import dev.docpipe.port.Page;
import dev.docpipe.standins.s3.S3StandIn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upload that lands while the local pipeline is still starting (its S3 endpoint answers, the rest is
 * not up yet) becomes a job through its event, like any other upload. A client that retries a PUT across
 * a restart of {@code serve} hits exactly this moment; an upload without its event would wait for the
 * sweeper's settle time (the queued timeout, 5 minutes) before anything registers it.
 */
class UploadDuringStartIT {
    @TempDir
    Path data;

    @Test
    void anUploadPutWhileThePipelineStarts_becomesAJobWithoutWaitingForTheSweeper() throws Exception {
        int s3Port = freePort();
        AtomicBoolean uploaded = new AtomicBoolean();
        // runs during start, after the S3 endpoint is up and before the stage functions poll
        LocalPipeline.Hooks hooks = new LocalPipeline.Hooks(queues -> {
            try (S3Client s3 = client(s3Port)) {
                s3.putObject(b -> b.bucket(LocalPipeline.BUCKET).key("uploads/booting/during-start.md"),
                        RequestBody.fromString("# Put while the pipeline starts\n\nIt still becomes a job.\n"));
            }
            uploaded.set(true);
            return queues;
        }, b -> b, (n, h) -> h, null);
        try (LocalPipeline pipeline = LocalPipeline.start(LocalPipeline.Options.inMemory(Config.StoreKind.DYNAMODB, false)
                .persistentIn(data, s3Port, freePort()).withHooks(hooks))) {
            assertThat(uploaded).isTrue();
            List<Job> jobs = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (jobs.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(250);
                Page<Job> page = pipeline.components().store().listByOwner("booting", JobQuery.all(10));
                jobs = page.items();
            }
            assertThat(jobs).as("jobs of the upload put during start").hasSize(1);
            assertThat(jobs.get(0).filename()).isEqualTo("during-start.md");
        }
    }

    private static S3Client client(int port) {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(S3StandIn.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
