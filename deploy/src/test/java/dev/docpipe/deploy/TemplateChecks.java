package dev.docpipe.deploy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.docpipe.adapter.s3.S3Blobs;
import dev.docpipe.adapter.sqs.SqsStageQueues;
import dev.docpipe.config.Config;
import dev.docpipe.config.ConfigException;
import dev.docpipe.config.QueueNames;
import dev.docpipe.webhook.WebhookPolicy;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.docpipe.deploy.Template.list;
import static dev.docpipe.deploy.Template.map;

/**
 * The rules template.yaml must keep, as checks that return what is wrong (empty = fine), so the tests
 * can show both that the real template passes and that a broken copy is caught.
 */
final class TemplateChecks {
    static final int MIN_RECEIVES = 5;
    static final int VISIBILITY_FACTOR = 6;
    private static final String PIPELINE_PREFIX = "dev.docpipe.function.";

    /**
     * Variables read outside {@link Config}: the S3 and SQS adapters' own. Everything else a function
     * reads is found by running {@link Config#from} on the function's environment.
     */
    static final List<String> ADAPTER_VARIABLES = List.of(S3Blobs.PATH_STYLE_ENV, SqsStageQueues.PREFIX_VARIABLE,
            SqsStageQueues.GROUPING_VARIABLE);

    private TemplateChecks() {
    }

    static List<String> all(Template.Resolved t) {
        List<String> problems = new ArrayList<>();
        problems.addAll(handlers(t));
        problems.addAll(environment(t));
        problems.addAll(queues(t));
        problems.addAll(sqsEvents(t));
        problems.addAll(policies(t));
        problems.addAll(timeouts(t));
        return problems;
    }

    /**
     * The time limits agree: a render gives up (DOCPIPE_RENDER_TIMEOUT_SECONDS) before its function
     * times out, and the sweeper presumes a running stage crashed (DOCPIPE_STAGE_TIMEOUT_SECONDS) only
     * after SQS would have redelivered its message (the longest visibility timeout of a stage queue).
     */
    static List<String> timeouts(Template.Resolved t) {
        List<String> problems = new ArrayList<>();
        int longestVisibility = 0;
        for (String q : t.template.ofType("AWS::SQS::Queue")) {
            String name = t.name(q);
            if (name.matches(".*-(parse|render|store)-(high|default|low)")) {
                longestVisibility = Math.max(longestVisibility,
                        Integer.parseInt(String.valueOf(t.properties(q).get("VisibilityTimeout"))));
            }
        }
        for (String fn : t.functions()) {
            Config config = Config.from(t.environment(fn));
            if (fn.equals("RenderFunction") && config.renderTimeout().toSeconds() >= t.timeout(fn)) {
                problems.add(fn + ": DOCPIPE_RENDER_TIMEOUT_SECONDS " + config.renderTimeout().toSeconds()
                        + " s does not end a render before the function's timeout " + t.timeout(fn) + " s");
            }
            if (config.stageTimeout().toSeconds() < longestVisibility) {
                problems.add(fn + ": DOCPIPE_STAGE_TIMEOUT_SECONDS " + config.stageTimeout().toSeconds()
                        + " s is shorter than a stage queue's visibility timeout " + longestVisibility
                        + " s: the sweeper would re-drive messages SQS is about to redeliver");
            }
        }
        return problems;
    }

    /** Every function's Handler is a class of its own module implementing a Lambda handler interface. */
    static List<String> handlers(Template.Resolved t) {
        List<String> problems = new ArrayList<>();
        for (String fn : t.functions()) {
            Map<String, Object> f = t.function(fn);
            String handler = String.valueOf(f.get("Handler"));
            String codeUri = String.valueOf(f.get("CodeUri"));
            String[] parts = handler.split("::", 2);
            if (parts.length != 2 || !parts[1].equals("handleRequest")) {
                problems.add(fn + ": Handler " + handler + " must be <class>::handleRequest");
            }
            Class<?> type;
            try {
                type = Class.forName(parts[0], false, TemplateChecks.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                problems.add(fn + ": handler class " + parts[0] + " does not exist");
                continue;
            }
            if (!RequestHandler.class.isAssignableFrom(type) && !RequestStreamHandler.class.isAssignableFrom(type)) {
                problems.add(fn + ": " + type.getName() + " implements neither RequestHandler nor RequestStreamHandler");
            }
            try {
                type.getConstructor();
            } catch (NoSuchMethodException e) {
                problems.add(fn + ": " + type.getName() + " has no public no-arg constructor (Lambda needs one)");
            }
            // functions/<module>/target/docpipe-<module>.jar, and the class belongs to that module
            String module = type.getName().startsWith(PIPELINE_PREFIX)
                    ? type.getName().substring(PIPELINE_PREFIX.length()).split("\\.")[0] : "?";
            String expected = "functions/" + module + "/target/docpipe-" + module + ".jar";
            if (!codeUri.equals(expected)) {
                problems.add(fn + ": CodeUri " + codeUri + " is not " + expected + ", the artifact of the handler's module");
            }
        }
        return problems;
    }

    /**
     * Every variable a function reads is set for it, {@link Config} accepts the values, and no
     * DOCPIPE_ variable is set that nothing reads (a misspelt name would silently fall back to a default).
     */
    static List<String> environment(Template.Resolved t) {
        List<String> problems = new ArrayList<>();
        for (String fn : t.functions()) {
            Map<String, String> env = t.environment(fn);
            Set<String> read = new TreeSet<>(ADAPTER_VARIABLES);
            if (fn.equals("WebhookFunction")) {
                read.addAll(variablesWebhookPolicyReads(env));
            }
            try {
                read.addAll(variablesConfigReads(env));
            } catch (ConfigException e) {
                problems.add(fn + ": Config rejects the environment: " + e.getMessage());
                read.addAll(variablesConfigReads(Map.of("DOCPIPE_JOBS_TABLE", "x")));
            }
            for (String name : read) {
                if (!env.containsKey(name)) {
                    problems.add(fn + ": reads " + name + " but the template does not set it");
                }
            }
            for (String name : env.keySet()) {
                if (name.startsWith("DOCPIPE_") && !read.contains(name)) {
                    problems.add(fn + ": sets " + name + ", which nothing reads");
                }
            }
            problems.addAll(namesAgree(t, fn, env));
        }
        return problems;
    }

    /** The names the code builds from the environment are the template's resources. */
    private static List<String> namesAgree(Template.Resolved t, String fn, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        List<String> buckets = t.template.ofType("AWS::S3::Bucket");
        if (buckets.size() != 1 || !t.name(buckets.get(0)).equals(env.get("DOCPIPE_BUCKET"))) {
            problems.add(fn + ": DOCPIPE_BUCKET " + env.get("DOCPIPE_BUCKET") + " is not the template's bucket");
        }
        if ("dynamodb".equals(env.get("DOCPIPE_JOB_STORE"))) {
            List<String> tables = t.template.ofType("AWS::DynamoDB::Table");
            if (tables.size() != 1 || !t.name(tables.get(0)).equals(env.get("DOCPIPE_JOBS_TABLE"))) {
                problems.add(fn + ": DOCPIPE_JOBS_TABLE " + env.get("DOCPIPE_JOBS_TABLE") + " is not the template's table");
            }
        }
        Set<String> expected = new TreeSet<>();
        QueueNames names = new QueueNames(String.valueOf(env.get(SqsStageQueues.PREFIX_VARIABLE)));
        for (QueueNames.QueuePair pair : names.all()) {
            expected.add(pair.queue());
            expected.add(pair.deadLetter());
        }
        expected.add(names.webhook());
        expected.add(names.webhookDeadLetter());
        Set<String> declared = new TreeSet<>();
        for (String q : t.template.ofType("AWS::SQS::Queue")) {
            declared.add(t.name(q));
        }
        if (!expected.equals(declared)) {
            problems.add(fn + ": with DOCPIPE_QUEUE_PREFIX " + env.get(SqsStageQueues.PREFIX_VARIABLE)
                    + " the code uses queues " + expected + " but the template declares " + declared);
        }
        return problems;
    }

    /**
     * The delivery settings the webhook function reads ({@link WebhookPolicy#from}), but for the secret
     * overlap, which only the submit function's secret rotation uses (at its default there).
     */
    static Set<String> variablesWebhookPolicyReads(Map<String, String> env) {
        Set<String> read = recording(env, WebhookPolicy::from);
        read.remove("DOCPIPE_WEBHOOK_SECRET_OVERLAP_HOURS");
        return read;
    }

    /** Runs {@link Config#from} on {@code env}, recording every name it looks up. */
    static Set<String> variablesConfigReads(Map<String, String> env) {
        return recording(env, Config::from);
    }

    private static Set<String> recording(Map<String, String> env, java.util.function.Consumer<Map<String, String>> reader) {
        Set<String> read = new LinkedHashSet<>();
        Map<String, String> recording = new AbstractMap<>() {
            @Override
            public String get(Object key) {
                read.add(String.valueOf(key));
                return env.get(key);
            }

            @Override
            public Set<Entry<String, String>> entrySet() {
                return env.entrySet();
            }
        };
        reader.accept(recording);
        return read;
    }

    /**
     * Every work queue has a DLQ (maxReceiveCount ≥ 5), every queue has a consumer, visibility ≥ 6× the
     * consumer's timeout, server-side encryption on.
     */
    static List<String> queues(Template.Resolved t) {
        List<String> problems = new ArrayList<>();
        Map<String, String> byName = new LinkedHashMap<>();
        for (String q : t.template.ofType("AWS::SQS::Queue")) {
            byName.put(t.name(q), q);
        }
        Set<String> deadLetterTargets = new TreeSet<>();
        for (String q : byName.values()) {
            Map<String, Object> redrive = map(t.properties(q).get("RedrivePolicy"));
            if (!redrive.isEmpty()) {
                deadLetterTargets.add(nameOfArn(String.valueOf(redrive.get("deadLetterTargetArn"))));
            }
        }
        Map<String, List<String>> consumers = new HashMap<>();
        for (String fn : t.functions()) {
            for (Map<String, Object> e : t.events(fn, "SQS").values()) {
                consumers.computeIfAbsent(nameOfArn(String.valueOf(e.get("Queue"))), k -> new ArrayList<>()).add(fn);
            }
        }
        for (Map.Entry<String, String> queue : byName.entrySet()) {
            String name = queue.getKey();
            String id = queue.getValue();
            Map<String, Object> p = t.properties(id);
            if (!deadLetterTargets.contains(name)) {
                Map<String, Object> redrive = map(p.get("RedrivePolicy"));
                if (redrive.isEmpty()) {
                    problems.add(id + ": no dead-letter queue (RedrivePolicy)");
                } else {
                    String target = nameOfArn(String.valueOf(redrive.get("deadLetterTargetArn")));
                    if (!byName.containsKey(target)) {
                        problems.add(id + ": dead-letter queue " + target + " is not in the template");
                    }
                    int receives = Integer.parseInt(String.valueOf(redrive.get("maxReceiveCount")));
                    if (receives < MIN_RECEIVES) {
                        problems.add(id + ": maxReceiveCount " + receives + " < " + MIN_RECEIVES);
                    }
                }
            }
            if (!Boolean.TRUE.equals(p.get("SqsManagedSseEnabled")) && p.get("KmsMasterKeyId") == null) {
                problems.add(id + ": no server-side encryption");
            }
            List<String> fns = consumers.getOrDefault(name, List.of());
            // the webhook DLQ holds what the webhook function itself failed on, for an operator's redrive:
            // a consumer would drop exactly what it is there to keep
            if (fns.isEmpty() && !name.endsWith("-webhook-dlq")) {
                problems.add(id + ": no function consumes it");
            }
            int visibility = p.containsKey("VisibilityTimeout") ? Integer.parseInt(String.valueOf(p.get("VisibilityTimeout"))) : 30;
            for (String fn : fns) {
                if (visibility < VISIBILITY_FACTOR * t.timeout(fn)) {
                    problems.add(id + ": visibility timeout " + visibility + " s < " + VISIBILITY_FACTOR + " × "
                            + fn + "'s timeout " + t.timeout(fn) + " s");
                }
            }
        }
        return problems;
    }

    /**
     * Every SQS event reports batch item failures and sets its batch size and maximum concurrency; per
     * stage, the high queue gets the largest maximum concurrency.
     */
    static List<String> sqsEvents(Template.Resolved t) {
        List<String> problems = new ArrayList<>();
        for (String fn : t.functions()) {
            Map<String, Integer> concurrencyByPriority = new HashMap<>();
            for (Map.Entry<String, Map<String, Object>> e : t.events(fn, "SQS").entrySet()) {
                String where = fn + "." + e.getKey();
                Map<String, Object> p = e.getValue();
                if (!list(p.get("FunctionResponseTypes")).contains("ReportBatchItemFailures")) {
                    problems.add(where + ": does not report batch item failures (FunctionResponseTypes)");
                }
                if (p.get("BatchSize") == null) {
                    problems.add(where + ": no BatchSize");
                }
                Object max = map(p.get("ScalingConfig")).get("MaximumConcurrency");
                if (max == null) {
                    problems.add(where + ": no ScalingConfig.MaximumConcurrency");
                    continue;
                }
                String queue = nameOfArn(String.valueOf(p.get("Queue")));
                for (String priority : List.of("high", "default", "low")) {
                    if (queue.endsWith("-" + priority)) {
                        concurrencyByPriority.put(priority, Integer.parseInt(String.valueOf(max)));
                    }
                }
            }
            if (!concurrencyByPriority.isEmpty()) {
                Integer high = concurrencyByPriority.get("high");
                Integer normal = concurrencyByPriority.get("default");
                Integer low = concurrencyByPriority.get("low");
                if (high == null || normal == null || low == null) {
                    problems.add(fn + ": consumes some priorities of its stage but not all: " + concurrencyByPriority.keySet());
                } else if (!(high > normal && normal >= low)) {
                    problems.add(fn + ": maximum concurrency must be highest for high: high " + high + ", default "
                            + normal + ", low " + low);
                }
            }
        }
        return problems;
    }

    /** The secret the functions read the PostgreSQL URL from, or null without one. */
    private static String databaseSecret(Template.Resolved t) {
        String arn = t.environment(t.functions().get(0)).get("DOCPIPE_DATABASE_SECRET_ARN");
        return arn == null || arn.isEmpty() ? null : arn;
    }

    /** Each function's policies grant exactly {@link FunctionGrants}: nothing missing, nothing more. */
    static List<String> policies(Template.Resolved t) {
        List<String> problems = new ArrayList<>();
        String bucket = t.name(t.template.ofType("AWS::S3::Bucket").get(0));
        String table = t.template.ofType("AWS::DynamoDB::Table").stream().filter(t::exists)
                .map(id -> t.attribute(id, "Arn")).findFirst().orElse(null);
        String prefix = t.environment(t.functions().get(0)).get(SqsStageQueues.PREFIX_VARIABLE);
        Map<String, Set<String>> expected = FunctionGrants.expected(bucket, table, new QueueNames(prefix),
                name -> "arn:aws:sqs:" + t.region + ":" + t.account + ":" + name, databaseSecret(t));
        for (String fn : t.functions()) {
            Set<String> granted = new TreeSet<>();
            for (Object policy : list(t.properties(fn).get("Policies"))) {
                if (!(policy instanceof Map<?, ?>) || !map(policy).containsKey("Statement")) {
                    problems.add(fn + ": policy " + policy + " is not an inline statement list (a managed policy or"
                            + " policy template grants what the table cannot see)");
                    continue;
                }
                for (Object s : list(map(policy).get("Statement"))) {
                    Map<String, Object> statement = map(s);
                    if (!"Allow".equals(statement.get("Effect"))) {
                        continue;
                    }
                    for (Object action : asList(statement.get("Action"))) {
                        for (Object resource : asList(statement.get("Resource"))) {
                            granted.add(FunctionGrants.pair(String.valueOf(action), String.valueOf(resource)));
                        }
                    }
                }
            }
            Set<String> wanted = expected.getOrDefault(fn, Set.of());
            if (!expected.containsKey(fn)) {
                problems.add(fn + ": not in the function → grants table");
            }
            for (String pair : wanted) {
                if (!granted.contains(pair)) {
                    problems.add(fn + ": lacks " + pair);
                }
            }
            for (String pair : granted) {
                if (!wanted.contains(pair)) {
                    problems.add(fn + ": grants more than it needs: " + pair);
                }
            }
        }
        return problems;
    }

    /** The prefixes whose writes the bucket policy keeps to the functions that write them. */
    static final Set<String> GUARDED_PREFIXES = Set.of("uploads/", "inline/", "work/", "pdf/", "aliases/",
            "webhooks/jobs/", "webhooks/keys/", "webhooks/deliveries/");

    /**
     * The bucket policy's {@code s3:PutObject} denials equal the function grant table: for each prefix a
     * function puts to, one statement denies every principal but the roles of exactly those functions;
     * no other prefix is guarded, and the guarded ones are {@link #GUARDED_PREFIXES}.
     */
    static List<String> bucketWrites(Template.Resolved t) {
        List<String> problems = new ArrayList<>();
        String bucket = t.name(t.template.ofType("AWS::S3::Bucket").get(0));
        String objects = "arn:aws:s3:::" + bucket + "/";
        String table = t.template.ofType("AWS::DynamoDB::Table").stream().filter(t::exists)
                .map(id -> t.attribute(id, "Arn")).findFirst().orElse(null);
        String prefix = t.environment(t.functions().get(0)).get(SqsStageQueues.PREFIX_VARIABLE);
        Map<String, Set<String>> grants = FunctionGrants.expected(bucket, table, new QueueNames(prefix),
                name -> "arn:aws:sqs:" + t.region + ":" + t.account + ":" + name, databaseSecret(t));
        Map<String, Set<String>> writers = new TreeMap<>();
        grants.forEach((fn, pairs) -> {
            for (String pair : pairs) {
                String put = FunctionGrants.pair("s3:PutObject", objects);
                if (pair.startsWith(put)) {
                    writers.computeIfAbsent(pair.substring(put.length()), k -> new TreeSet<>())
                            .add(t.attribute(fn + "Role", "Arn"));
                }
            }
        });
        Map<String, Set<String>> denied = new TreeMap<>();
        for (String policyId : t.template.ofType("AWS::S3::BucketPolicy")) {
            Map<String, Object> document = map(t.properties(policyId).get("PolicyDocument"));
            for (Object s : list(document.get("Statement"))) {
                Map<String, Object> statement = map(s);
                if (!"Deny".equals(statement.get("Effect")) || !asList(statement.get("Action")).contains("s3:PutObject")) {
                    continue;
                }
                String sid = String.valueOf(statement.get("Sid"));
                if (!"*".equals(statement.get("Principal"))) {
                    problems.add(sid + ": denies " + statement.get("Principal") + ", not every principal ('*')");
                }
                Map<String, Object> condition = map(statement.get("Condition"));
                Map<String, Object> notArn = condition == null ? null : map(condition.get("ArnNotEquals"));
                if (condition == null || condition.size() != 1 || notArn == null || notArn.size() != 1
                        || !notArn.containsKey("aws:PrincipalArn")) {
                    problems.add(sid + ": its only condition must be ArnNotEquals on aws:PrincipalArn, not " + condition);
                    continue;
                }
                Set<String> exempt = new TreeSet<>();
                asList(notArn.get("aws:PrincipalArn")).forEach(arn -> exempt.add(String.valueOf(arn)));
                for (Object resource : asList(statement.get("Resource"))) {
                    String r = String.valueOf(resource);
                    if (!r.startsWith(objects)) {
                        problems.add(sid + ": resource " + r + " is not in the documents bucket");
                        continue;
                    }
                    if (denied.put(r.substring(objects.length()), exempt) != null) {
                        problems.add(sid + ": " + r + " is denied twice");
                    }
                }
            }
        }
        writers.forEach((resource, roles) -> {
            if (!denied.containsKey(resource)) {
                problems.add(resource + ": written by " + roles + " but the bucket policy lets anyone else put there");
            } else if (!denied.get(resource).equals(roles)) {
                problems.add(resource + ": the bucket policy lets " + denied.get(resource) + " put, the functions that do are "
                        + roles);
            }
        });
        denied.keySet().stream().filter(r -> !writers.containsKey(r))
                .forEach(r -> problems.add(r + ": guarded by the bucket policy but no function writes it"));
        Set<String> guarded = new TreeSet<>();
        denied.keySet().forEach(r -> guarded.add(r.endsWith("*") ? r.substring(0, r.length() - 1) : r));
        if (!guarded.equals(new TreeSet<>(GUARDED_PREFIXES))) {
            problems.add("guarded prefixes " + guarded + " are not " + new TreeSet<>(GUARDED_PREFIXES));
        }
        return problems;
    }

    private static List<Object> asList(Object node) {
        return node instanceof List<?> ? list(node) : List.of(node);
    }

    static String nameOfArn(String arn) {
        return arn.substring(arn.lastIndexOf(':') + 1);
    }
}
