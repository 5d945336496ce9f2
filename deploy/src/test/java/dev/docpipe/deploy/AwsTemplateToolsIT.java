package dev.docpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * template.yaml through AWS's own tools, preinstalled in the machine's Python 3.11: cfn-lint (no
 * error, no warning; the template's own suppressions say why) and the SAM transform (the same
 * translator CloudFormation runs) over the packaged template for every configuration
 * {@link TemplateTest} checks. Skipped, with the reason, where Python or the packages are missing.
 * Runs after {@code package}: the packaged URIs hash the built jars and layers.
 */
class AwsTemplateToolsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Template.ROOT;
    private static String python;

    @BeforeAll
    static void findPython() {
        String configured = System.getenv("DOCPIPE_PYTHON");
        Stream<String> candidates = configured != null && !configured.isBlank() ? Stream.of(configured)
                : Stream.of("python3.11", "python3", System.getProperty("user.home") + "/.pyenv/shims/python3.11");
        Optional<String> found = candidates
                .filter(p -> run(List.of(p, "-c", "import cfnlint, samtranslator"), 60).exit() == 0)
                .findFirst();
        assumeTrue(found.isPresent(), "no Python with cfn-lint and aws-sam-translator (python3.11, python3, "
                + "~/.pyenv/shims/python3.11, or $DOCPIPE_PYTHON): the template gates cannot run here");
        python = found.get();
    }

    @Test
    void cfnLint_findsNoErrorAndNoWarning() {
        Result lint = run(List.of(python, "-c",
                "import sys; from cfnlint.runner import main; sys.argv[0] = 'cfn-lint'; sys.exit(main())",
                ROOT.resolve("template.yaml").toString()), 600);

        assertThat(lint.output()).as("cfn-lint template.yaml").isBlank();
        assertThat(lint.exit()).as("cfn-lint's exit code").isZero();
    }

    @ParameterizedTest
    @MethodSource("dev.docpipe.deploy.TemplateTest#configurations")
    void samTransform_acceptsTheTemplate_withOneApiStageAndEveryFunction(Map<String, String> parameters) throws IOException {
        JsonNode resources = translate(parameters).get("Resources");

        List<String> stages = new ArrayList<>();
        Set<String> functions = new TreeSet<>();
        resources.properties().forEach(r -> {
            String type = r.getValue().get("Type").asText();
            if (type.equals("AWS::ApiGateway::Stage")) {
                stages.add(r.getKey() + " " + r.getValue().get("Properties").get("StageName"));
            } else if (type.equals("AWS::Lambda::Function")) {
                functions.add(r.getKey());
            }
        });
        assertThat(stages).as("API stages (SAM adds one named \"Stage\" unless OpenApiVersion is set)")
                .containsExactly("DocpipeApiStage {\"Ref\":\"StageName\"}");
        assertThat(functions).containsExactlyInAnyOrderElementsOf(TEMPLATE_FUNCTIONS);
    }

    @Test
    void samTransform_aChangeToALayerOnly_publishesNewVersionsBehindTheLiveAlias() throws IOException {
        for (String layer : List.of("layer/target/layer", "layer/target/redis-layer")) {
            Map<String, String> before = versions(translate(Map.of()));
            Map<String, String> after = versions(translate(Map.of(), layer));

            assertThat(before).as("every function publishes versions (SnapStart)").containsOnlyKeys(TEMPLATE_FUNCTIONS);
            assertThat(after).as("versions after a change to %s only", layer).containsOnlyKeys(before.keySet());
            before.forEach((fn, version) -> assertThat(after.get(fn)).as("%s after a change to %s", fn, layer)
                    .isNotEqualTo(version));
        }
    }

    private static final Set<String> TEMPLATE_FUNCTIONS = Set.of("SubmitFunction", "StatusFunction", "IngestFunction",
            "ParseFunction", "RenderFunction", "StoreFunction", "SweeperFunction", "DeadLetterFunction",
            "WebhookFunction");

    /** Function → the logical id of the version SAM publishes for it. */
    private static Map<String, String> versions(JsonNode template) {
        Map<String, String> out = new HashMap<>();
        template.get("Resources").properties().forEach(r -> {
            if (r.getValue().get("Type").asText().equals("AWS::Lambda::Version")) {
                out.put(r.getValue().get("Properties").get("FunctionName").get("Ref").asText(), r.getKey());
            }
        });
        return out;
    }

    private static JsonNode translate(Map<String, String> parameters, String... changed) throws IOException {
        List<String> command = new ArrayList<>(List.of(python, script().toString(),
                ROOT.resolve("template.yaml").toString(), JSON.writeValueAsString(parameters)));
        command.addAll(List.of(changed));
        Result r = run(command, 300);
        assertThat(r.exit()).as("SAM transform with %s: %s", parameters, r.output()).isZero();
        String out = r.output();
        return JSON.readTree(out.substring(out.indexOf('{')));
    }

    private static Path script() {
        try (InputStream in = AwsTemplateToolsIT.class.getResourceAsStream("sam_translate.py")) {
            Path file = Files.createTempFile("docpipe-sam-", ".py");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("docpipe-tool-", ".out");
            try {
                Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Result(-1, "timed out after " + timeoutSeconds + " s: " + command.get(0));
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Result(-1, "could not run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
