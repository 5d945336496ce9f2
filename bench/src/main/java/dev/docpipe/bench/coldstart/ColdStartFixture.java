package dev.docpipe.bench.coldstart;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docpipe.adapter.dynamodb.DynamoDbJobStore;
import dev.docpipe.adapter.dynamodb.DynamoDbTables;
import dev.docpipe.adapter.fastpath.NoFastPath;
import dev.docpipe.adapter.s3.S3Blobs;
import dev.docpipe.adapter.sqs.SqsQueueSetup;
import dev.docpipe.adapter.sqs.SqsStageQueues;
import dev.docpipe.config.Components;
import dev.docpipe.config.Config;
import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.config.QueueNames;
import dev.docpipe.function.parse.ParseHandler;
import dev.docpipe.function.render.RenderHandler;
import dev.docpipe.function.submit.SubmitHandler;
import dev.docpipe.job.Stage;
import dev.docpipe.standins.dynamo.DynamoStandIn;
import dev.docpipe.standins.s3.S3StandIn;
import dev.docpipe.standins.sqs.SqsStandIn;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The long-lived side of the cold-start benchmark (bench/coldstart): starts the S3, SQS and DynamoDB
 * stand-ins, creates the bucket, queues and jobs table, and prepares for each function {@code runs}
 * events taken from events/ with real ids in them: jobs queued for parse, parsed jobs waiting for
 * render, rendered ones waiting for store (this process runs the parse and render handlers to get
 * there), uploads with their S3 notifications, API requests, dead letters. It writes
 * {@code <dir>/env} (the functions' environment) and {@code <dir>/events/<function>-<n>.json}, prints
 * {@code READY} and serves until its standard input closes.
 *
 * <pre>java -cp … dev.docpipe.bench.coldstart.ColdStartFixture &lt;dir&gt; &lt;runs&gt; &lt;events dir&gt;</pre>
 */
public final class ColdStartFixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "docpipe-bench";
    private static final String TABLE = "docpipe-bench-jobs";
    private static final String OWNER = "bench-owner";

    private ColdStartFixture() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        Path events = Path.of(args[2]);
        Files.createDirectories(dir.resolve("events"));

        S3StandIn s3 = S3StandIn.builder().port(0).build().start();
        s3.createBucket(BUCKET);
        SqsStandIn sqsStandIn = SqsStandIn.builder().port(0).start();
        SqsClient sqs = sqsStandIn.client();
        QueueNames names = new QueueNames(QueueNames.DEFAULT_PREFIX);
        SqsQueueSetup.createAll(sqs, names, 5, FunctionTimeouts.DEPLOYED);
        DynamoStandIn dynamoStandIn = DynamoStandIn.builder().port(0).build().start();
        DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(dynamoStandIn.endpoint()).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build();
        DynamoDbTables.createJobsTable(dynamo, TABLE);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", s3.accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
        env.put("AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SQS", sqsStandIn.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoStandIn.endpoint().toString());
        env.put("DOCPIPE_JOB_STORE", "dynamodb");
        env.put("DOCPIPE_JOBS_TABLE", TABLE);
        env.put("DOCPIPE_BUCKET", BUCKET);
        env.put("DOCPIPE_QUEUE_PREFIX", QueueNames.DEFAULT_PREFIX);
        env.put("DOCPIPE_S3_PATH_STYLE", "true");
        Config config = Config.from(env);
        Clock clock = Clock.systemUTC();
        Components c = new Components(config, clock, new DynamoDbJobStore(dynamo, TABLE, clock), new NoFastPath(),
                new S3Blobs(s3.newClient(), s3.newPresigner()), new SqsStageQueues(sqs, names));

        Fixture f = new Fixture(c, sqs, names, events, dir.resolve("events"));
        f.prepare(runs);

        StringBuilder lines = new StringBuilder();
        env.forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
        Files.writeString(dir.resolve("env"), lines.toString());
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the bench script closes our standard input
        }
        f.report();
        System.out.flush();
        dynamoStandIn.close();
        sqsStandIn.close();
        s3.close();
    }

    private record Fixture(Components c, SqsClient sqs, QueueNames names, Path templates, Path out,
                           Map<String, List<String>> jobsByFunction) {

        Fixture(Components c, SqsClient sqs, QueueNames names, Path templates, Path out) {
            this(c, sqs, names, templates, out, new LinkedHashMap<>());
        }

        /** Where the jobs the measured functions were given are now: proof that each event did its work. */
        void report() {
            Map<String, String> expected = Map.of("parse", "running/render", "render", "running/store",
                    "store", "completed/store", "deadletter", "failed/parse");
            jobsByFunction.forEach((function, ids) -> {
                int matching = 0;
                for (String id : ids) {
                    var job = c.store().get(new dev.docpipe.job.JobId(id)).orElseThrow();
                    if ((job.status().wire() + "/" + job.stage().wire()).equals(expected.get(function))) {
                        matching++;
                    }
                }
                System.out.println("after the runs: " + matching + " of " + ids.size() + " jobs given to " + function
                        + " are " + expected.get(function));
            });
        }

        void prepare(int runs) throws IOException {
            SubmitHandler submit = new SubmitHandler(c);
            List<String> jobIds = new ArrayList<>();
            for (int i = 0; i < 4 * runs; i++) {
                jobIds.add(submitInline(submit, i));
            }
            List<Message> parse = drain(names.byPriority(Stage.PARSE), 4 * runs);

            ParseHandler parser = new ParseHandler(c);
            RenderHandler renderer = new RenderHandler(c);
            handle(parser, parse.subList(runs, 3 * runs));
            List<Message> render = drain(names.byPriority(Stage.RENDER), 2 * runs);
            handle(renderer, render.subList(runs, 2 * runs));
            List<Message> store = drain(names.byPriority(Stage.STORE), runs);

            for (int run = 0; run < runs; run++) {
                int i = run;
                jobsByFunction.computeIfAbsent("parse", k -> new ArrayList<>()).add(jobId(parse.get(i)));
                jobsByFunction.computeIfAbsent("render", k -> new ArrayList<>()).add(jobId(render.get(i)));
                jobsByFunction.computeIfAbsent("store", k -> new ArrayList<>()).add(jobId(store.get(i)));
                jobsByFunction.computeIfAbsent("deadletter", k -> new ArrayList<>()).add(jobId(parse.get(3 * runs + i)));
                sqsEvent("parse", i, "parse/sqs-stage-message.json", parse.get(i).body());
                sqsEvent("render", i, "render/sqs-stage-message.json", render.get(i).body());
                sqsEvent("store", i, "store/sqs-stage-message.json", store.get(i).body());
                sqsEvent("deadletter", i, "deadletter/sqs-dlq-record.json", parse.get(3 * runs + i).body());
                sqsEvent("hello", i, "parse/sqs-stage-message.json", parse.get(i).body());
                ingestEvent(i);
                apiEvent("submit", i, "submit/post-jobs-inline.json", e -> e.put("body", inlineBody(1000 + i)));
                String id = jobIds.get(i);
                apiEvent("status", i, "status/get-job.json", e -> {
                    e.put("path", "/jobs/" + id);
                    e.set("pathParameters", JSON.createObjectNode().put("id", id));
                });
                Files.copy(templates.resolve("sweeper/scheduled-event.json"), out.resolve("sweeper-" + i + ".json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }

        private static String jobId(Message m) {
            try {
                return JSON.readTree(m.body()).path("jobId").asText();
            } catch (IOException e) {
                throw new IllegalStateException("not a stage message: " + m.body(), e);
            }
        }

        private String submitInline(SubmitHandler submit, int i) throws IOException {
            ObjectNode event = (ObjectNode) JSON.readTree(templates.resolve("submit/post-jobs-inline.json").toFile());
            event.put("body", inlineBody(i));
            owner(event);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            submit.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), response, null);
            JsonNode r = JSON.readTree(response.toByteArray());
            if (r.path("statusCode").asInt() != 202 && r.path("statusCode").asInt() != 200) {
                throw new IllegalStateException("submit answered " + r);
            }
            return JSON.readTree(r.path("body").asText()).path("id").asText();
        }

        private static String inlineBody(int i) {
            StringBuilder md = new StringBuilder("# Report ").append(i).append("\n\nRevenue grew by *12 %* — Ελληνικά, 日本語.\n\n");
            md.append("| quarter | revenue |\n|---|---|\n");
            for (int q = 1; q <= 4; q++) {
                md.append("| Q").append(q).append(" | ").append(10 * q + i).append(" |\n");
            }
            return JSON.createObjectNode().put("content", md.toString()).put("filename", "report-" + i + ".md").toString();
        }

        private void owner(ObjectNode event) {
            ObjectNode rc = event.has("requestContext") && event.get("requestContext").isObject()
                    ? (ObjectNode) event.get("requestContext") : event.putObject("requestContext");
            ObjectNode identity = rc.has("identity") && rc.get("identity").isObject()
                    ? (ObjectNode) rc.get("identity") : rc.putObject("identity");
            identity.put("apiKeyId", OWNER);
        }

        private void apiEvent(String function, int i, String template, java.util.function.Consumer<ObjectNode> edit)
                throws IOException {
            ObjectNode event = (ObjectNode) JSON.readTree(templates.resolve(template).toFile());
            owner(event);
            edit.accept(event);
            JSON.writeValue(out.resolve(function + "-" + i + ".json").toFile(), event);
        }

        private void sqsEvent(String function, int i, String template, String body) throws IOException {
            ObjectNode event = (ObjectNode) JSON.readTree(templates.resolve(template).toFile());
            ArrayNode records = (ArrayNode) event.get("Records");
            ObjectNode record = (ObjectNode) records.get(0);
            record.put("body", body);
            records.removeAll();
            records.add(record);
            JSON.writeValue(out.resolve(function + "-" + i + ".json").toFile(), event);
        }

        private void ingestEvent(int i) throws IOException {
            String key = "uploads/" + OWNER + "/upload-" + i + ".md";
            c.blobs().put(new dev.docpipe.port.BlobRef(c.config().bucket(), key),
                    ("# Upload " + i + "\n\nText.\n").getBytes(StandardCharsets.UTF_8), "text/markdown", Map.of());
            ObjectNode event = (ObjectNode) JSON.readTree(templates.resolve("ingest/sqs-s3-put.json").toFile());
            ObjectNode record = (ObjectNode) event.get("Records").get(0);
            ObjectNode notification = (ObjectNode) JSON.readTree(record.get("body").asText());
            ObjectNode s3 = (ObjectNode) notification.get("Records").get(0).get("s3");
            ((ObjectNode) s3.get("bucket")).put("name", c.config().bucket()).put("arn", "arn:aws:s3:::" + c.config().bucket());
            ((ObjectNode) s3.get("object")).put("key", key);
            record.put("body", notification.toString());
            JSON.writeValue(out.resolve("ingest-" + i + ".json").toFile(), event);
        }

        private List<Message> drain(List<String> queues, int expected) {
            List<Message> all = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (all.size() < expected && System.nanoTime() < deadline) {
                for (String q : queues) {
                    String url = sqs.getQueueUrl(b -> b.queueName(q)).queueUrl();
                    List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
                    for (Message m : got) {
                        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                    }
                    all.addAll(got);
                }
            }
            if (all.size() != expected) {
                throw new IllegalStateException("expected " + expected + " messages on " + queues + ", got " + all.size());
            }
            return all;
        }

        private static void handle(com.amazonaws.services.lambda.runtime.RequestHandler<SQSEvent, ?> handler,
                                   List<Message> messages) {
            for (Message m : messages) {
                SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
                r.setMessageId(m.messageId());
                r.setBody(m.body());
                r.setAttributes(Map.of("ApproximateReceiveCount", "1"));
                SQSEvent event = new SQSEvent();
                event.setRecords(List.of(r));
                Object response = handler.handleRequest(event, null);
                if (response instanceof com.amazonaws.services.lambda.runtime.events.SQSBatchResponse b
                        && !b.getBatchItemFailures().isEmpty()) {
                    throw new IllegalStateException("preparing: " + handler.getClass().getSimpleName() + " failed " + m.body());
                }
            }
        }
    }
}
