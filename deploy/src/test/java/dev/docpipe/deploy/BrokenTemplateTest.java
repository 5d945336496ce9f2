package dev.docpipe.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deliberately broken copies of template.yaml (the parsed tree changed, or the text edited) fail the
 * same checks {@link TemplateTest} runs on the real one, naming what is wrong.
 */
class BrokenTemplateTest {

    private static Template fresh() {
        return Template.load();
    }

    private static Template edited(String from, String to) throws IOException {
        String text = Files.readString(Template.FILE);
        assertThat(text).as("the edit's anchor").contains(from);
        return Template.parse(text.replace(from, to));
    }

    private static Map<String, Object> props(Template t, String id) {
        return t.properties(id);
    }

    @Test
    void aBucketPolicyThatLetsAnotherFunctionWriteAPrefix_orGuardsTooLittle_isCaught() throws IOException {
        Template extraWriter = edited("aws:PrincipalArn: [!GetAtt StoreFunctionRole.Arn]",
                "aws:PrincipalArn: [!GetAtt StoreFunctionRole.Arn, !GetAtt StatusFunctionRole.Arn]");
        assertThat(TemplateChecks.bucketWrites(extraWriter.resolveDefaults())).containsExactly(
                "pdf/*: the bucket policy lets [arn:aws:iam::123456789012:role/StatusFunctionRole,"
                        + " arn:aws:iam::123456789012:role/StoreFunctionRole] put, the functions that do are"
                        + " [arn:aws:iam::123456789012:role/StoreFunctionRole]");

        Template unguarded = edited("- Sid: InlineOnlyBySubmit\n            Effect: Deny",
                "- Sid: InlineOnlyBySubmit\n            Effect: Allow");
        assertThat(TemplateChecks.bucketWrites(unguarded.resolveDefaults())).containsExactly(
                "inline/*: written by [arn:aws:iam::123456789012:role/SubmitFunctionRole] but the bucket policy lets"
                        + " anyone else put there",
                "guarded prefixes [aliases/, pdf/, uploads/, webhooks/deliveries/, webhooks/jobs/, webhooks/keys/, work/] are not"
                        + " [aliases/, inline/, pdf/, uploads/, webhooks/deliveries/, webhooks/jobs/, webhooks/keys/, work/]");
    }

    @Test
    void aQueueWithoutItsDeadLetterQueue_isCaught() {
        Template t = fresh();
        props(t, "ParseHighQueue").remove("RedrivePolicy");
        assertThat(TemplateChecks.queues(t.resolveDefaults())).containsExactly("ParseHighQueue: no dead-letter queue (RedrivePolicy)");
    }

    @Test
    void tooFewReceivesBeforeTheDeadLetterQueue_isCaught() throws IOException {
        Template t = edited("RedrivePolicy: {deadLetterTargetArn: !GetAtt StoreDeadLetterQueue.Arn, maxReceiveCount: 5}",
                "RedrivePolicy: {deadLetterTargetArn: !GetAtt StoreDeadLetterQueue.Arn, maxReceiveCount: 2}");
        assertThat(TemplateChecks.queues(t.resolveDefaults()))
                .containsExactly("StoreHighQueue: maxReceiveCount 2 < 5", "StoreDefaultQueue: maxReceiveCount 2 < 5",
                        "StoreLowQueue: maxReceiveCount 2 < 5");
    }

    @Test
    void aVisibilityTimeoutShorterThanSixConsumerTimeouts_isCaught() {
        Template t = fresh();
        props(t, "RenderFunction").put("Timeout", 300);
        assertThat(TemplateChecks.queues(t.resolveDefaults())).containsExactly(
                "RenderHighQueue: visibility timeout 1080 s < 6 × RenderFunction's timeout 300 s",
                "RenderDefaultQueue: visibility timeout 1080 s < 6 × RenderFunction's timeout 300 s",
                "RenderLowQueue: visibility timeout 1080 s < 6 × RenderFunction's timeout 300 s");
    }

    @Test
    void aQueueNobodyConsumes_isCaught() {
        Template t = fresh();
        Template.map(props(t, "DeadLetterFunction").get("Events")).remove("RenderDeadLetters");
        assertThat(TemplateChecks.queues(t.resolveDefaults())).containsExactly("RenderDeadLetterQueue: no function consumes it");
    }

    @Test
    void aHandlerClassThatDoesNotExist_isCaught() throws IOException {
        Template t = edited("Handler: dev.docpipe.function.render.RenderHandler::handleRequest",
                "Handler: dev.docpipe.function.render.RendererHandler::handleRequest");
        assertThat(TemplateChecks.handlers(t.resolveDefaults()))
                .containsExactly("RenderFunction: handler class dev.docpipe.function.render.RendererHandler does not exist");
    }

    @Test
    void aHandlerThatIsNotALambdaHandler_isCaught() {
        Template t = fresh();
        props(t, "StoreFunction").put("Handler", "dev.docpipe.function.store.StoreService::handleRequest");
        assertThat(TemplateChecks.handlers(t.resolveDefaults())).contains(
                "StoreFunction: dev.docpipe.function.store.StoreService implements neither RequestHandler nor RequestStreamHandler");
    }

    @Test
    void anArtifactOfAnotherModule_isCaught() {
        Template t = fresh();
        props(t, "ParseFunction").put("CodeUri", "functions/render/target/docpipe-render.jar");
        assertThat(TemplateChecks.handlers(t.resolveDefaults())).containsExactly(
                "ParseFunction: CodeUri functions/render/target/docpipe-render.jar is not functions/parse/target/docpipe-parse.jar,"
                        + " the artifact of the handler's module");
    }

    @Test
    void aMissingPolicyStatement_isCaught() {
        Template t = fresh();
        List<Object> statements = Template.list(Template.map(Template.list(props(t, "RenderFunction").get("Policies")).get(0))
                .get("Statement"));
        statements.removeIf(s -> "SendStore".equals(Template.map(s).get("Sid")));
        assertThat(TemplateChecks.policies(t.resolveDefaults())).containsExactly(
                "RenderFunction: lacks sqs:GetQueueUrl on arn:aws:sqs:us-east-1:123456789012:docpipe-dev-store-default",
                "RenderFunction: lacks sqs:GetQueueUrl on arn:aws:sqs:us-east-1:123456789012:docpipe-dev-store-high",
                "RenderFunction: lacks sqs:GetQueueUrl on arn:aws:sqs:us-east-1:123456789012:docpipe-dev-store-low",
                "RenderFunction: lacks sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:docpipe-dev-store-default",
                "RenderFunction: lacks sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:docpipe-dev-store-high",
                "RenderFunction: lacks sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:docpipe-dev-store-low");
    }

    @Test
    void aPolicyGrantingMore_isCaught() throws IOException {
        Template t = edited("Action: [s3:GetObject, s3:DeleteObject]", "Action: [s3:GetObject, s3:DeleteObject, s3:PutObject]");
        assertThat(TemplateChecks.policies(t.resolveDefaults())).containsExactly(
                "StoreFunction: grants more than it needs: s3:PutObject on arn:aws:s3:::docpipe-dev-123456789012-us-east-1/work/*");
    }

    @Test
    void aManagedPolicy_isCaught() {
        Template t = fresh();
        Template.list(props(t, "DeadLetterFunction").get("Policies")).add("AmazonDynamoDBFullAccess");
        assertThat(TemplateChecks.policies(t.resolveDefaults())).containsExactly("DeadLetterFunction: policy AmazonDynamoDBFullAccess"
                + " is not an inline statement list (a managed policy or policy template grants what the table cannot see)");
    }

    @Test
    void aMissingOrMisspeltVariable_isCaught() throws IOException {
        Template t = edited("        DOCPIPE_JOBS_TABLE: !If", "        DOCPIPE_JOB_TABLE: !If");
        List<String> problems = TemplateChecks.environment(t.resolveDefaults());
        assertThat(problems).contains(
                "IngestFunction: Config rejects the environment: DOCPIPE_JOBS_TABLE is required but not set",
                "IngestFunction: reads DOCPIPE_JOBS_TABLE but the template does not set it",
                "IngestFunction: sets DOCPIPE_JOB_TABLE, which nothing reads");
        assertThat(problems).hasSize(9 * 4);
    }

    @Test
    void anAdapterVariableLeftOut_isCaught() {
        Template t = fresh();
        Template.map(Template.map(Template.map(Template.map(t.tree.get("Globals")).get("Function")).get("Environment"))
                .get("Variables")).remove("DOCPIPE_S3_PATH_STYLE");
        assertThat(TemplateChecks.environment(t.resolveDefaults())).hasSize(9)
                .allMatch(p -> p.endsWith(": reads DOCPIPE_S3_PATH_STYLE but the template does not set it"));
    }

    @Test
    void aQueueNameTheCodeDoesNotUse_isCaught() throws IOException {
        Template t = edited("QueueName: !Sub 'docpipe-${StageName}-render-low'", "QueueName: !Sub 'docpipe-${StageName}-render-slow'");
        assertThat(TemplateChecks.environment(t.resolveDefaults())).hasSize(9)
                .allMatch(p -> p.contains("the code uses queues") && p.contains("docpipe-dev-render-slow"));
    }

    @Test
    void anSqsEventWithoutPartialBatchResponses_isCaught() {
        Template t = fresh();
        Map<String, Object> event = Template.map(Template.map(Template.map(props(t, "IngestFunction").get("Events")).get("Uploads"))
                .get("Properties"));
        event.remove("FunctionResponseTypes");
        assertThat(TemplateChecks.sqsEvents(t.resolveDefaults()))
                .containsExactly("IngestFunction.Uploads: does not report batch item failures (FunctionResponseTypes)");
    }

    @Test
    void highPriorityWithoutTheLargestConcurrency_isCaught() {
        Template t = fresh();
        Template.Resolved r = t.resolve(Map.of("HighMaxConcurrency", "5", "DefaultMaxConcurrency", "20", "LowMaxConcurrency", "5"),
                "123456789012", "us-east-1");
        assertThat(TemplateChecks.sqsEvents(r)).containsExactly(
                "ParseFunction: maximum concurrency must be highest for high: high 5, default 20, low 5",
                "RenderFunction: maximum concurrency must be highest for high: high 5, default 20, low 5",
                "StoreFunction: maximum concurrency must be highest for high: high 5, default 20, low 5");
    }

    @Test
    void aReferenceToATableThatDoesNotExistWithPostgres_isCaught() throws IOException {
        Template t = edited("        DOCPIPE_JOBS_TABLE: !If [IsDynamoDb, !Ref JobsTable, '']", "        DOCPIPE_JOBS_TABLE: !Ref JobsTable");
        Template.Resolved postgres = t.resolve(Map.of("JobStore", "postgres", "DatabaseSecretArn", "arn:x"), "1", "us-east-1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TemplateChecks.environment(postgres))
                .hasMessage("reference to JobsTable, whose condition is false here");
    }

    @Test
    void aStageTimeoutShorterThanTheRedelivery_isCaught() throws IOException {
        Template t = edited("DOCPIPE_STAGE_TIMEOUT_SECONDS: '1200'", "DOCPIPE_STAGE_TIMEOUT_SECONDS: '900'");
        assertThat(TemplateChecks.timeouts(t.resolveDefaults())).hasSize(9).allMatch(p -> p.endsWith(
                "DOCPIPE_STAGE_TIMEOUT_SECONDS 900 s is shorter than a stage queue's visibility timeout 1080 s:"
                        + " the sweeper would re-drive messages SQS is about to redeliver"));
    }

    @Test
    void aRenderTimeoutBeyondTheFunctionsTimeout_isCaught() {
        Template t = fresh();
        props(t, "RenderFunction").put("Timeout", 60);
        assertThat(TemplateChecks.timeouts(t.resolveDefaults())).containsExactly(
                "RenderFunction: DOCPIPE_RENDER_TIMEOUT_SECONDS 60 s does not end a render before the function's timeout 60 s");
    }
}
