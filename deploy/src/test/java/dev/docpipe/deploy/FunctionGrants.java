package dev.docpipe.deploy;

import dev.docpipe.config.QueueNames;
import dev.docpipe.job.Priority;
import dev.docpipe.job.Stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each function touches, from reading its code path, as (action, resource) pairs: the
 * least-privilege table template.yaml's policies must equal. The lines name the code that needs each
 * grant; a change there that touches something new must change this table and the template together.
 */
final class FunctionGrants {
    private static final List<String> ITEM_READ = List.of("dynamodb:GetItem");
    /** {@code JobTransitions}/{@code DynamoDbJobStore.transition}: UpdateItem, one or two in a transaction. */
    private static final List<String> ITEM_UPDATE = List.of("dynamodb:GetItem", "dynamodb:UpdateItem");
    /** {@code JobRegistry} → {@code createIfAbsent}: a transaction of two puts; a dedup takeover is an update. */
    private static final List<String> ITEM_CREATE = List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");
    private static final List<String> SEND = List.of("sqs:SendMessage", "sqs:GetQueueUrl");

    private FunctionGrants() {
    }

    /**
     * The grants of every function under one configuration.
     *
     * @param bucket the documents bucket name
     * @param tableArn the jobs table's ARN, or null when the job store is not DynamoDB
     * @param queueArn ARN of a queue by name
     * @param databaseSecretArn the secret every function reads the PostgreSQL URL from (DatabaseSecret), or
     *                          null when the job store is not PostgreSQL
     */
    static Map<String, Set<String>> expected(String bucket, String tableArn, QueueNames names,
                                             java.util.function.UnaryOperator<String> queueArn,
                                             String databaseSecretArn) {
        Map<String, Set<String>> grants = expected(bucket, tableArn, names, queueArn);
        if (databaseSecretArn != null) {
            // every function with a job store (the webhook function has none: WebhookService.fromEnvironment)
            grants.forEach((fn, g) -> {
                if (!fn.equals("WebhookFunction")) {
                    g.add(pair("secretsmanager:GetSecretValue", databaseSecretArn));
                }
            });
        }
        return grants;
    }

    private static Map<String, Set<String>> expected(String bucket, String tableArn, QueueNames names,
                                                     java.util.function.UnaryOperator<String> queueArn) {
        String objects = "arn:aws:s3:::" + bucket + "/";
        String bucketArn = "arn:aws:s3:::" + bucket;
        List<String> parse = queues(names, Stage.PARSE, queueArn);
        List<String> render = queues(names, Stage.RENDER, queueArn);
        List<String> store = queues(names, Stage.STORE, queueArn);
        List<String> allStages = new ArrayList<>(parse);
        allStages.addAll(render);
        allStages.addAll(store);
        List<String> everyQueue = new ArrayList<>();
        for (QueueNames.QueuePair pair : names.all()) {
            everyQueue.add(queueArn.apply(pair.queue()));
        }
        for (String dlq : List.of(names.ingestDeadLetter(), names.deadLetter(Stage.PARSE), names.deadLetter(Stage.RENDER),
                names.deadLetter(Stage.STORE))) {
            everyQueue.add(queueArn.apply(dlq));
        }
        // JobTransitions → WebhookOutbox: every function that can finish a job queues its webhook event
        List<String> webhook = List.of(queueArn.apply(names.webhook()));
        String callbacks = objects + "webhooks/jobs/*";                        // Intake: a job's callback URL

        return Map.of(
                "SubmitFunction", new Grants()
                        .allow(List.of("s3:PutObject"), objects + "inline/*")          // SubmitService: inline content
                        .allow(List.of("s3:PutObject"), objects + "uploads/*")         // SubmitService: pre-signed upload PUT
                        .allow(List.of("s3:GetObject"), objects + "pdf/*")              // SubmitService: a completed job's download URL
                        .allow(SEND, parse)                                            // Intake, retry → parse
                        .allow(List.of("s3:PutObject"), callbacks)
                        .allow(List.of("s3:GetObject", "s3:PutObject"), objects + "webhooks/keys/*") // WebhookSettingsRoutes
                        .allow(List.of("s3:ListBucket"), bucketArn)                    // a key without settings is a 404
                        .allow(SEND, webhook)                                          // cancel → job.cancelled
                        .dynamo(ITEM_CREATE, tableArn)                                 // register, cancel, retry
                        // JobEraser: the source, work/<id>/, the PDF, aliases/by-job/<id>/ and what they name
                        .allow(List.of("s3:DeleteObject"), objects + "inline/*")
                        .allow(List.of("s3:DeleteObject"), objects + "uploads/*")
                        .allow(List.of("s3:DeleteObject"), objects + "work/*")
                        .allow(List.of("s3:DeleteObject"), objects + "pdf/*")
                        .allow(List.of("s3:GetObject", "s3:DeleteObject"), objects + "aliases/*")
                        .allow(List.of("s3:ListBucket"), bucketArn)
                        .dynamo(List.of("dynamodb:DeleteItem"), tableArn)              // erase: the dedup item, in the transaction
                        .set(),
                "StatusFunction", new Grants()
                        .allow(List.of("s3:GetObject"), objects + "pdf/*")             // pre-signed download
                        .allow(List.of("s3:GetObject"), objects + "aliases/*")         // StatusService.alias
                        .allow(List.of("s3:GetObject"), objects + "health/*")          // health: HeadObject
                        .allow(List.of("s3:GetObject"), objects + "webhooks/deliveries/*") // GET /jobs/{id}: deliveries
                        .allow(List.of("s3:ListBucket"), bucketArn)                    // a missing key answers 404, not 403
                        .allow(List.of("sqs:GetQueueUrl", "sqs:GetQueueAttributes"), everyQueue) // SqsQueueMonitor
                        .dynamo(ITEM_READ, tableArn)                                   // GET /jobs/{id}, health
                        .dynamo(List.of("dynamodb:Query"), tableArn == null ? null : tableArn + "/index/byOwner") // history, stats
                        .set(),
                "IngestFunction", new Grants()
                        .allow(List.of("s3:GetObject"), objects + "uploads/*")         // UploadIntake: HeadObject
                        .allow(List.of("s3:PutObject"), objects + "aliases/*")         // UploadIntake: alias of a pre-allocated id
                        .allow(List.of("s3:PutObject"), callbacks)                     // x-amz-meta-docpipe-callback-url
                        .allow(List.of("s3:ListBucket"), bucketArn)
                        .allow(SEND, parse)
                        .allow(SEND, webhook)                                          // Intake: fails at once (too large)
                        .dynamo(ITEM_CREATE, tableArn)
                        .set(),
                "ParseFunction", new Grants()
                        .allow(List.of("s3:GetObject"), objects + "uploads/*")         // ParseService: the source
                        .allow(List.of("s3:GetObject"), objects + "inline/*")
                        .allow(List.of("s3:PutObject"), objects + "work/*")            // document.xhtml, metadata.json
                        .allow(List.of("s3:DeleteObject"), objects + "work/*")         // StageRunner: output of an erased job
                        .allow(List.of("s3:DeleteObject"), objects + "pdf/*")
                        .allow(List.of("s3:ListBucket"), bucketArn)
                        .allow(SEND, render)                                           // StageRunner: next stage
                        .allow(SEND, store)                                            // StageRunner: a job already past render
                        .allow(SEND, webhook)                                          // StageRunner: a permanent failure
                        .dynamo(ITEM_UPDATE, tableArn)
                        .set(),
                "RenderFunction", new Grants()
                        .allow(List.of("s3:GetObject", "s3:PutObject"), objects + "work/*")
                        .allow(List.of("s3:DeleteObject"), objects + "work/*")         // StageRunner: output of an erased job
                        .allow(List.of("s3:DeleteObject"), objects + "pdf/*")
                        .allow(List.of("s3:ListBucket"), bucketArn)
                        .allow(SEND, store)
                        .allow(SEND, webhook)
                        .dynamo(ITEM_UPDATE, tableArn)
                        .set(),
                "StoreFunction", new Grants()
                        .allow(List.of("s3:GetObject", "s3:DeleteObject"), objects + "work/*")
                        .allow(List.of("s3:GetObject", "s3:PutObject"), objects + "pdf/*")
                        .allow(List.of("s3:DeleteObject"), objects + "pdf/*")          // StageRunner: output of an erased job
                        .allow(List.of("s3:ListBucket"), bucketArn)
                        .allow(SEND, webhook)                                          // job.completed
                        .dynamo(ITEM_UPDATE, tableArn)
                        .set(),
                "SweeperFunction", new Grants()
                        .allow(List.of("s3:ListBucket"), bucketArn)                    // UploadIntake.scan
                        .allow(List.of("s3:GetObject"), objects + "uploads/*")
                        .allow(List.of("s3:PutObject"), objects + "aliases/*")
                        .allow(SEND, allStages)                                        // Sweeper: re-drive any stage
                        .allow(List.of("s3:PutObject"), callbacks)                     // UploadIntake.scan → Intake
                        .allow(SEND, webhook)                                          // Sweeper: fail after re-drives
                        .dynamo(ITEM_CREATE, tableArn)
                        .dynamo(List.of("dynamodb:Query"), tableArn == null ? null : tableArn + "/index/activeByUpdate")
                        .set(),
                "DeadLetterFunction", new Grants()
                        .allow(SEND, webhook)                                          // job.failed
                        .dynamo(ITEM_UPDATE, tableArn)                                 // DeadLetters: fail the job
                        .set(),
                "WebhookFunction", new Grants()
                        .allow(List.of("s3:GetObject"), List.of(callbacks, objects + "webhooks/keys/*",
                                objects + "webhooks/deliveries/*"))                    // WebhookRecords
                        .allow(List.of("s3:PutObject"), objects + "webhooks/deliveries/*")
                        .allow(List.of("s3:ListBucket"), bucketArn)
                        .allow(SEND, webhook)                                          // WebhookService: the next attempt
                        .set());
    }

    private static List<String> queues(QueueNames names, Stage stage, java.util.function.UnaryOperator<String> arn) {
        List<String> out = new ArrayList<>();
        for (Priority p : Priority.values()) {
            out.add(arn.apply(names.stage(stage, p)));
        }
        return out;
    }

    /** One "action on resource" line per pair, sorted: what the policy check compares. */
    static String pair(String action, String resource) {
        return action + " on " + resource;
    }

    private static final class Grants {
        private final Set<String> pairs = new TreeSet<>();

        Grants allow(List<String> actions, String resource) {
            return allow(actions, List.of(resource));
        }

        Grants allow(List<String> actions, List<String> resources) {
            for (String a : actions) {
                for (String r : resources) {
                    pairs.add(pair(a, r));
                }
            }
            return this;
        }

        Grants dynamo(List<String> actions, String resource) {
            return resource == null ? this : allow(actions, resource);
        }

        Set<String> set() {
            return pairs;
        }
    }
}
