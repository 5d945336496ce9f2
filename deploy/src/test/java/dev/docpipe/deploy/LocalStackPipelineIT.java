package dev.docpipe.deploy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.adapter.dynamodb.DynamoDbJobStore;
import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.adapter.s3.S3Blobs;
import dev.docpipe.adapter.sqs.SqsStageQueues;
import dev.docpipe.config.Components;
import dev.docpipe.config.Config;
import dev.docpipe.function.ingest.IngestHandler;
import dev.docpipe.function.parse.ParseHandler;
import dev.docpipe.function.render.RenderHandler;
import dev.docpipe.function.store.StoreHandler;
import dev.docpipe.job.Job;
import dev.docpipe.job.JobId;
import dev.docpipe.job.JobStatus;
import dev.docpipe.port.BlobRef;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline end to end on LocalStack: the resources are made by localstack/'s own init hook (the
 * one {@link LocalStackInitTest} compares with template.yaml), the configuration is localstack/env.json,
 * and the real handlers run in this JVM, fed what SQS delivers: an upload's S3 notification → ingest
 * → parse → render → store → a completed job with its PDF. Skipped where no Docker engine answers.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackPipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4"))
            .withServices("s3", "sqs", "dynamodb")
            .withCopyFileToContainer(MountableFile.forHostPath(LocalStackInitTest.HOOK, 0755),
                    "/etc/localstack/init/ready.d/init-aws.sh")
            .waitingFor(Wait.forLogMessage(".*docpipe resources ready.*", 1).withStartupTimeout(Duration.ofMinutes(3)));

    @Test
    void anUploadBecomesACompletedJobWithItsPdf() throws IOException {
        Config config = Config.from(envJson());
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
        Region region = Region.of(LOCALSTACK.getRegion());
        S3Client s3 = S3Client.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
        S3Presigner presigner = S3Presigner.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
        SqsClient sqs = SqsClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
        DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        Clock clock = Clock.systemUTC();
        Components c = new Components(config, clock, new DynamoDbJobStore(dynamo, config.jobsTable(), clock), new NoFastPath(),
                new S3Blobs(s3, presigner), new SqsStageQueues(sqs, config.queueNames()));

        s3.putObject(b -> b.bucket(config.bucket()).key("uploads/alice/report.md").contentType("text/markdown"),
                RequestBody.fromString("# Quarterly report\n\nRevenue grew by *12 %*.\n\n| q | revenue |\n|---|---|\n| Q1 | 10 |\n"));

        deliver(sqs, config.queueNames().ingest(), new IngestHandler(c));
        List<Message> parse = deliver(sqs, "docpipe-local-parse-default", new ParseHandler(c));
        deliver(sqs, "docpipe-local-render-default", new RenderHandler(c));
        deliver(sqs, "docpipe-local-store-default", new StoreHandler(c));

        JobId id = new JobId(JSON.readTree(parse.get(0).body()).get("jobId").asText());
        Job job = c.store().get(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.owner()).isEqualTo("alice");
        BlobRef pdf = BlobRef.parse(job.result().pdfLocation());
        byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(pdf.bucket()).key(pdf.key())).asByteArray();
        assertThat(new String(bytes, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(job.result().pages()).isPositive();
    }

    /** What Lambda's event source mapping does: receive, hand the batch to the handler, delete what succeeded. */
    private static List<Message> deliver(SqsClient sqs, String queue, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        List<Message> messages = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (messages.isEmpty() && System.nanoTime() < deadline) {
            messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        }
        assertThat(messages).as("messages on " + queue).isNotEmpty();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
            r.setMessageId(m.messageId());
            r.setReceiptHandle(m.receiptHandle());
            r.setBody(m.body());
            Map<String, String> attributes = new TreeMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            r.setAttributes(attributes);
            r.setEventSource("aws:sqs");
            records.add(r);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        SQSBatchResponse response = handler.handleRequest(event, null);
        assertThat(response.getBatchItemFailures()).as("failures on " + queue).isEmpty();
        for (Message m : messages) {
            sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
        }
        return messages;
    }

    private static Map<String, String> envJson() throws IOException {
        JsonNode parameters = JSON.readTree(LocalStackInitTest.ENV_JSON.toFile()).path("Parameters");
        Map<String, String> env = new TreeMap<>();
        parameters.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }
}
