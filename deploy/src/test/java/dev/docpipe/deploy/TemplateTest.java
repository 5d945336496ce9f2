package dev.docpipe.deploy;

import dev.docpipe.adapter.sqs.SqsStageQueues;
import dev.docpipe.config.FunctionTimeouts;
import dev.docpipe.function.webhook.WebhookHandler;
import dev.docpipe.webhook.WebhookPolicy;
import dev.docpipe.job.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** template.yaml keeps the rules in {@link TemplateChecks} under each configuration it supports. */
class TemplateTest {
    private static final Template TEMPLATE = Template.load();

    static Stream<Map<String, String>> configurations() {
        return Stream.of(
                Map.of(),
                Map.of("JobStore", "postgres", "DatabaseSecretArn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"),
                Map.of("EnableRedis", "true", "VpcId", "vpc-1", "SubnetIds", "subnet-a,subnet-b",
                        "SecurityGroupIds", "sg-1", "RouteTableIds", "rtb-1"),
                Map.of("StageName", "prod", "HighMaxConcurrency", "200", "DefaultMaxConcurrency", "50", "LowMaxConcurrency", "10"));
    }

    /** What the Postgres configuration's secret holds under its "url" key. */
    static final Map<String, String> SECRETS = Map.of("arn:aws:secretsmanager:us-east-1:123456789012:secret:db#url",
            "jdbc:postgresql://db.internal:5432/docpipe?user=docpipe&password=secret");

    @ParameterizedTest
    @MethodSource("configurations")
    void everyRuleHolds(Map<String, String> parameters) {
        Template.Resolved t = TEMPLATE.resolve(parameters, SECRETS, "123456789012", "us-east-1");
        assertThat(TemplateChecks.handlers(t)).as("handlers").isEmpty();
        assertThat(TemplateChecks.environment(t)).as("environment").isEmpty();
        assertThat(TemplateChecks.queues(t)).as("queues").isEmpty();
        assertThat(TemplateChecks.sqsEvents(t)).as("SQS events").isEmpty();
        assertThat(TemplateChecks.policies(t)).as("policies").isEmpty();
        assertThat(TemplateChecks.bucketWrites(t)).as("bucket writes").isEmpty();
        assertThat(TemplateChecks.timeouts(t)).as("timeouts").isEmpty();
    }

    @Test
    void theSqsFunctionsTimeoutsAndTheirQueuesVisibility_areTheOnesLocalModeAndTheLeasesUse() {
        Template.Resolved t = TEMPLATE.resolveDefaults();
        FunctionTimeouts deployed = FunctionTimeouts.DEPLOYED;
        assertThat((long) t.timeout("IngestFunction")).isEqualTo(deployed.ingest().toSeconds());
        assertThat((long) t.timeout("ParseFunction")).isEqualTo(deployed.of(Stage.PARSE).toSeconds());
        assertThat((long) t.timeout("RenderFunction")).isEqualTo(deployed.of(Stage.RENDER).toSeconds());
        assertThat((long) t.timeout("StoreFunction")).isEqualTo(deployed.of(Stage.STORE).toSeconds());
        assertThat((long) t.timeout("DeadLetterFunction")).isEqualTo(deployed.deadLetter().toSeconds());
        Map<String, Long> visibility = new HashMap<>();
        for (String q : t.template.ofType("AWS::SQS::Queue")) {
            visibility.put(t.name(q), Long.parseLong(String.valueOf(t.properties(q).get("VisibilityTimeout"))));
        }
        assertThat(visibility).containsEntry("docpipe-dev-ingest", deployed.ingestVisibility().toSeconds());
        for (Stage stage : Stage.values()) {
            for (String priority : List.of("high", "default", "low")) {
                assertThat(visibility).containsEntry("docpipe-dev-" + stage.wire() + "-" + priority,
                        deployed.visibility(stage).toSeconds());
            }
            assertThat(visibility).containsEntry("docpipe-dev-" + stage.wire() + "-dlq", deployed.deadLetterVisibility().toSeconds());
        }
        assertThat(visibility).containsEntry("docpipe-dev-ingest-dlq", deployed.deadLetterVisibility().toSeconds());
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void everyFunctionGroupsStageMessagesByOwner_onStandardQueues_soTheyAreSqsFairQueues(Map<String, String> parameters) {
        Template.Resolved t = TEMPLATE.resolve(parameters, SECRETS, "123456789012", "us-east-1");
        for (String fn : t.functions()) {
            String grouping = t.environment(fn).get(SqsStageQueues.GROUPING_VARIABLE);
            assertThat(grouping).as(fn).isEqualTo("owner");
            assertThat(SqsStageQueues.groupByOwner(grouping)).as(fn).isTrue();
        }
        for (String q : t.template.ofType("AWS::SQS::Queue")) {
            // fair queues are standard queues with group ids; a FIFO queue would serialise each owner instead
            assertThat(t.properties(q)).as(t.name(q)).doesNotContainKey("FifoQueue");
        }
    }

    @Test
    void webhooksAreDeliveredFromTheirOwnQueue_withADeadLetterQueue_andTheTimeoutLocalModeUses() {
        Template.Resolved t = TEMPLATE.resolveDefaults();
        Map<String, Object> queue = t.properties("WebhookQueue");
        assertThat(queue.get("QueueName")).isEqualTo("docpipe-dev-webhook");
        Map<String, Object> redrive = Template.map(queue.get("RedrivePolicy"));
        assertThat(TemplateChecks.nameOfArn(String.valueOf(redrive.get("deadLetterTargetArn"))))
                .isEqualTo("docpipe-dev-webhook-dlq");
        assertThat(t.properties("WebhookDeadLetterQueue").get("QueueName")).isEqualTo("docpipe-dev-webhook-dlq");
        assertThat((long) t.timeout("WebhookFunction")).isEqualTo(WebhookHandler.TIMEOUT.toSeconds());
        assertThat(Long.parseLong(String.valueOf(queue.get("VisibilityTimeout"))))
                .isEqualTo(FunctionTimeouts.visibilityOf(WebhookHandler.TIMEOUT).toSeconds());
        Map<String, Map<String, Object>> events = t.events("WebhookFunction", "SQS");
        assertThat(events).hasSize(1);
        Map<String, Object> event = events.values().iterator().next();
        assertThat(TemplateChecks.nameOfArn(String.valueOf(event.get("Queue")))).isEqualTo("docpipe-dev-webhook");
        // the delivery schedule the template sets is the documented one: at least 24 h of retries
        WebhookPolicy policy = WebhookPolicy.from(t.environment("WebhookFunction"));
        assertThat(policy).isEqualTo(WebhookPolicy.DEFAULT);
        java.time.Duration leastTotal = java.time.Duration.ZERO;
        for (int attempt = 1; attempt < policy.maxAttempts(); attempt++) {
            leastTotal = leastTotal.plus(policy.nominalDelayAfter(attempt).multipliedBy(8).dividedBy(10));
        }
        assertThat(leastTotal).isGreaterThanOrEqualTo(java.time.Duration.ofHours(24));
    }

    @Test
    void declaresOneFunctionPerModule() {
        Template.Resolved t = TEMPLATE.resolveDefaults();
        assertThat(t.functions()).containsExactlyInAnyOrder("SubmitFunction", "StatusFunction", "IngestFunction",
                "ParseFunction", "RenderFunction", "StoreFunction", "SweeperFunction", "DeadLetterFunction", "WebhookFunction");
        for (String fn : t.functions()) {
            Map<String, Object> f = t.function(fn);
            assertThat(f.get("Runtime")).as(fn).isEqualTo("java21");
            assertThat(f.get("Architectures")).as(fn).isEqualTo(List.of("arm64"));
            assertThat(f.get("Tracing")).as(fn).isEqualTo("Active");
            assertThat(Template.map(f.get("LoggingConfig")).get("LogFormat")).as(fn).isEqualTo("JSON");
        }
    }

    @Test
    void theSweeperReservesOneExecution_exceptOnAccountsTooSmallToReserveAny() {
        assertThat(TEMPLATE.resolveDefaults().function("SweeperFunction").get("ReservedConcurrentExecutions")).hasToString("1");
        assertThat(TEMPLATE.resolve(Map.of("SweeperReservedConcurrency", "0"), SECRETS, "123456789012", "us-east-1")
                .function("SweeperFunction")).doesNotContainKey("ReservedConcurrentExecutions");
    }

    @Test
    void everyFunctionRunsOnSnapStartBehindAnAlias() {
        Template.Resolved t = TEMPLATE.resolveDefaults();
        for (String fn : List.of("SubmitFunction", "StatusFunction", "IngestFunction", "ParseFunction", "RenderFunction",
                "StoreFunction", "SweeperFunction", "DeadLetterFunction", "WebhookFunction")) {
            Map<String, Object> f = t.function(fn);
            assertThat(Template.map(f.get("SnapStart")).get("ApplyOn")).as(fn).isEqualTo("PublishedVersions");
            assertThat(f.get("AutoPublishAlias")).as(fn).isNotNull();
        }
    }

    @Test
    void everyRouteNeedsAKeyExceptHealthAndTheDashboard() {
        Template.Resolved t = TEMPLATE.resolveDefaults();
        assertThat(Template.map(t.properties("DocpipeApi").get("Auth")).get("ApiKeyRequired")).isEqualTo(true);
        Map<String, Object> plan = Template.map(Template.map(t.properties("DocpipeApi").get("Auth")).get("UsagePlan"));
        assertThat(Template.map(plan.get("Throttle"))).containsKeys("RateLimit", "BurstLimit");
        assertThat(Template.map(plan.get("Quota"))).containsKeys("Limit", "Period");
        for (String fn : List.of("SubmitFunction", "StatusFunction")) {
            t.events(fn, "Api").forEach((name, e) -> {
                Object keyRequired = Template.map(e.get("Auth")).get("ApiKeyRequired");
                boolean open = List.of("/health", "/", "/assets/{file}").contains(e.get("Path"));
                assertThat(keyRequired).as(fn + "." + name + " " + e.get("Path")).isEqualTo(open ? false : null);
            });
        }
    }

    @Test
    void multipartSubmissionsArriveAsBinary_andSubmitOutlastsTheLongestWait() {
        Template.Resolved t = TEMPLATE.resolveDefaults();
        // SAM writes '/' in a media type as '~1'; API Gateway then base64-encodes such bodies for the function
        assertThat(Template.list(t.properties("DocpipeApi").get("BinaryMediaTypes"))).containsExactly("multipart~1form-data");
        // POST /jobs?wait=25 plus the submission itself, within API Gateway's 29 s integration timeout
        assertThat(t.timeout("SubmitFunction")).isBetween(27, 29);
    }

    @Test
    void theBucketLetsDashboardPagesOfTheRegionPutUploads_andNothingElse() {
        Template.Resolved t = TEMPLATE.resolveDefaults();
        List<Object> rules = Template.list(Template.map(t.properties("DocumentsBucket").get("CorsConfiguration"))
                .get("CorsRules"));

        assertThat(rules).hasSize(1);
        Map<String, Object> rule = Template.map(rules.get(0));
        assertThat(rule.get("AllowedMethods")).isEqualTo(List.of("PUT"));
        // the options a pre-signed upload carries are a signed header the browser must be allowed to send
        assertThat(rule.get("AllowedHeaders")).isEqualTo(List.of("content-type", "x-amz-meta-options"));
        assertThat(rule.get("AllowedOrigins")).isEqualTo(List.of("https://*.execute-api." + t.region + ".amazonaws.com"));
    }

    @Test
    void theJobsTableIsTheOneTheStoreCreates() {
        Template.Resolved t = TEMPLATE.resolveDefaults();
        assertThat(JobsTableShape.of(t.properties("JobsTable"))).isEqualTo(JobsTableShape.asDynamoDbTablesCreatesIt());
        assertThat(Template.map(t.properties("JobsTable").get("PointInTimeRecoverySpecification")))
                .containsEntry("PointInTimeRecoveryEnabled", true);
    }

    @Test
    void onlyUploadsAreWatchedAndTheQueueLetsTheBucketIn() {
        Template.Resolved t = TEMPLATE.resolveDefaults();
        Map<String, Object> bucket = t.properties("DocumentsBucket");
        List<Object> notifications = Template.list(Template.map(bucket.get("NotificationConfiguration")).get("QueueConfigurations"));
        assertThat(notifications).hasSize(1);
        Map<String, Object> n = Template.map(notifications.get(0));
        assertThat(n.get("Queue")).isEqualTo(t.attribute("IngestQueue", "Arn"));
        assertThat(n.toString()).contains("Name=prefix, Value=uploads/");
        Map<String, Object> statement = Template.map(Template.list(Template.map(
                t.properties("IngestQueuePolicy").get("PolicyDocument")).get("Statement")).get(0));
        assertThat(statement.toString()).contains("arn:aws:s3:::" + t.name("DocumentsBucket"));
        Map<String, Object> access = Template.map(bucket.get("PublicAccessBlockConfiguration"));
        assertThat(access.values()).hasSize(4).containsOnly(true);
        assertThat(t.properties("DocumentsBucketPolicy").toString()).contains("aws:SecureTransport=false");
    }
}
