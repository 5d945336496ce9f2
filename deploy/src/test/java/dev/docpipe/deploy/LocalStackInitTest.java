package dev.docpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docpipe.config.Config;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * localstack/init/ready.d/init-aws.sh creates what template.yaml creates (with StageName=local in
 * LocalStack's account and region), and localstack/env.json points the functions at those names.
 * The hook's {@code queue}, {@code bucket} and {@code table} calls are read from the script itself.
 */
class LocalStackInitTest {
    static final Path HOOK = Template.ROOT.resolve("localstack/init/ready.d/init-aws.sh");
    static final Path ENV_JSON = Template.ROOT.resolve("localstack/env.json");
    static final Map<String, String> LOCAL = Map.of("StageName", "local");
    static final String ACCOUNT = "000000000000";
    static final String REGION = "us-east-1";

    private final Template.Resolved template = Template.load().resolve(LOCAL, ACCOUNT, REGION);

    /** What one hook call creates: a queue (visibility, retention, DLQ, receives), the bucket, the table. */
    record Hook(Map<String, List<String>> queues, List<String> bucket, List<String> table, String script) {
        static Hook read(Path file) throws IOException {
            String script = Files.readString(file);
            Map<String, String> vars = new LinkedHashMap<>();
            Map<String, List<String>> queues = new TreeMap<>();
            List<String> bucket = null;
            List<String> table = null;
            for (String line : script.lines().toList()) {
                Matcher assignment = Pattern.compile("^([A-Z_]+)=(.*)$").matcher(line);
                if (assignment.matches()) {
                    vars.put(assignment.group(1), expand(unquote(assignment.group(2)), vars));
                    continue;
                }
                Matcher call = Pattern.compile("^(queue|bucket|table) (.+)$").matcher(line);
                if (!call.matches()) {
                    continue;
                }
                List<String> args = new ArrayList<>();
                for (String word : call.group(2).trim().split("\\s+")) {
                    args.add(expand(unquote(word), vars));
                }
                switch (call.group(1)) {
                    case "queue" -> queues.put(args.get(0), args.subList(1, args.size()));
                    case "bucket" -> bucket = args;
                    default -> table = args;
                }
            }
            return new Hook(queues, bucket, table, script);
        }

        private static String unquote(String s) {
            return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
        }

        /** $VAR, ${VAR} and ${VAR:-default}, as bash would expand them with LocalStack's region unset. */
        private static String expand(String s, Map<String, String> vars) {
            Matcher m = Pattern.compile("\\$\\{([A-Z_]+)(?::-([^}]*))?}|\\$([A-Z_]+)").matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : m.group(3);
                String value = vars.getOrDefault(name, m.group(2) == null ? "" : m.group(2));
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return out.toString();
        }
    }

    @Test
    void theHookCreatesTheTemplatesQueuesWithTheSameSettings() throws IOException {
        Map<String, List<String>> fromTemplate = new TreeMap<>();
        for (String id : template.template.ofType("AWS::SQS::Queue")) {
            Map<String, Object> p = template.properties(id);
            List<String> settings = new ArrayList<>(List.of(String.valueOf(p.get("VisibilityTimeout")),
                    String.valueOf(p.get("MessageRetentionPeriod"))));
            Map<String, Object> redrive = Template.map(p.get("RedrivePolicy"));
            if (!redrive.isEmpty()) {
                settings.add(TemplateChecks.nameOfArn(String.valueOf(redrive.get("deadLetterTargetArn"))));
                settings.add(String.valueOf(redrive.get("maxReceiveCount")));
            }
            fromTemplate.put(template.name(id), settings);
        }
        assertThat(Hook.read(HOOK).queues()).isEqualTo(fromTemplate);
    }

    @Test
    void theHookWatchesTheSameBucketPrefixWithTheSameQueue() throws IOException {
        Map<String, Object> n = Template.map(Template.list(Template.map(template.properties("DocumentsBucket")
                .get("NotificationConfiguration")).get("QueueConfigurations")).get(0));
        Map<String, Object> rule = Template.map(Template.list(Template.map(Template.map(n.get("Filter")).get("S3Key"))
                .get("Rules")).get(0));
        assertThat(Hook.read(HOOK).bucket()).containsExactly(template.name("DocumentsBucket"), String.valueOf(rule.get("Value")),
                TemplateChecks.nameOfArn(String.valueOf(n.get("Queue"))));
        // inside the script's double-quoted JSON: \"Events\": [\"s3:ObjectCreated:*\"]
        assertThat(Hook.read(HOOK).script()).contains("\\\"Events\\\": [\\\"" + n.get("Event") + "\\\"]");
    }

    @Test
    void theHookCreatesTheTemplatesTable() throws IOException {
        Hook hook = Hook.read(HOOK);
        JobsTableShape expected = JobsTableShape.of(template.properties("JobsTable"));
        assertThat(hook.table()).containsExactly(template.name("JobsTable"), expected.ttlAttribute());

        // the create-table arguments, turned back into the template's shape
        Map<String, String> attributes = new TreeMap<>();
        Matcher a = Pattern.compile("AttributeName=(\\w+),AttributeType=(\\w)").matcher(hook.script());
        while (a.find()) {
            attributes.put(a.group(1), a.group(2));
        }
        Map<String, String> indexes = new TreeMap<>();
        Matcher i = Pattern.compile("IndexName=(\\w+),KeySchema=\\[\\{AttributeName=(\\w+),KeyType=HASH},"
                + "\\{AttributeName=(\\w+),KeyType=RANGE}],Projection=\\{ProjectionType=(\\w+)}").matcher(hook.script());
        while (i.find()) {
            indexes.put(i.group(1), i.group(2) + ":HASH," + i.group(3) + ":RANGE " + i.group(4));
        }
        Matcher key = Pattern.compile("--key-schema AttributeName=(\\w+),KeyType=HASH ").matcher(hook.script());
        Matcher billing = Pattern.compile("--billing-mode (\\w+)").matcher(hook.script());
        assertThat(key.find() && billing.find()).as("key schema and billing mode in the hook").isTrue();
        assertThat(new JobsTableShape(billing.group(1), attributes, key.group(1) + ":HASH", indexes, hook.table().get(1)))
                .isEqualTo(expected);
    }

    @Test
    void envJsonSetsOnlyDeclaredVariablesAndNamesTheHooksResources() throws IOException {
        JsonNode env = new ObjectMapper().readTree(ENV_JSON.toFile());
        Map<String, String> shared = new TreeMap<>();
        env.path("Parameters").properties().forEach(e -> shared.put(e.getKey(), e.getValue().asText()));

        Template.Resolved withEndpoint = Template.load().resolve(Map.of("StageName", "local",
                "LocalEndpointUrl", shared.get("AWS_ENDPOINT_URL")), ACCOUNT, REGION);
        for (String fn : withEndpoint.functions()) {
            // sam local invoke only overrides variables the template declares
            assertThat(withEndpoint.environment(fn).keySet()).as(fn).containsAll(shared.keySet());
            Map<String, String> effective = new TreeMap<>(withEndpoint.environment(fn));
            effective.putAll(shared);
            Config config = Config.from(effective);
            assertThat(config.bucket()).isEqualTo(template.name("DocumentsBucket"));
            assertThat(config.jobsTable()).isEqualTo(template.name("JobsTable"));
            assertThat(config.queueNames().ingest()).isEqualTo(template.name("IngestQueue"));
        }
        List<String> blocks = env.properties().stream().map(Map.Entry::getKey).toList();
        assertThat(blocks).contains("Parameters").containsAll(withEndpoint.functions());
    }
}
