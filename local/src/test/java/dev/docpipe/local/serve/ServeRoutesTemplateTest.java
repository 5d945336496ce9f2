package dev.docpipe.local.serve;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Local mode's gateway serves the same API as template.yaml deploys: every (method, path) with its
 * function and whether it needs a key, no more and no fewer.
 */
class ServeRoutesTemplateTest {
    private static final Map<String, ApiRoutes.Function> FUNCTIONS = Map.of(
            "SubmitFunction", ApiRoutes.Function.SUBMIT, "StatusFunction", ApiRoutes.Function.STATUS);

    /** CloudFormation's short tags (!Ref, !Sub, !If …) read as plain values: only the structure matters here. */
    private static final class CfnConstructor extends SafeConstructor {
        CfnConstructor() {
            super(new LoaderOptions());
            yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    if (node instanceof ScalarNode s) {
                        return constructScalar(s);
                    }
                    if (node instanceof SequenceNode q) {
                        return constructSequence(q);
                    }
                    return constructMapping((MappingNode) node);
                }
            });
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGatewaysRoutesAreTheTemplatesApiEvents() throws IOException {
        Path template = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().resolveSibling("template.yaml");
        Map<String, Object> root = new Yaml(new CfnConstructor()).load(Files.readString(template));
        Map<String, Object> resources = (Map<String, Object>) root.get("Resources");

        Set<String> declared = new TreeSet<>();
        resources.forEach((name, value) -> {
            Map<String, Object> resource = (Map<String, Object>) value;
            Map<String, Object> properties = (Map<String, Object>) resource.get("Properties");
            if (!"AWS::Serverless::Function".equals(resource.get("Type")) || properties.get("Events") == null) {
                return;
            }
            ((Map<String, Object>) properties.get("Events")).values().forEach(e -> {
                Map<String, Object> event = (Map<String, Object>) e;
                if (!"Api".equals(event.get("Type"))) {
                    return;
                }
                Map<String, Object> p = (Map<String, Object>) event.get("Properties");
                Map<String, Object> auth = (Map<String, Object>) p.get("Auth");
                boolean keyRequired = auth == null || !Boolean.FALSE.equals(auth.get("ApiKeyRequired"));
                declared.add(p.get("Method").toString().toUpperCase() + " " + p.get("Path") + " -> "
                        + FUNCTIONS.get(name) + (keyRequired ? " (key)" : ""));
            });
        });
        Set<String> served = new TreeSet<>();
        for (ApiRoutes.Route r : ApiRoutes.ROUTES) {
            r.methods().forEach((method, fn) -> served.add(method + " " + r.resource() + " -> " + fn
                    + (r.keyRequired() ? " (key)" : "")));
        }

        assertThat(declared).as("template.yaml's API events").hasSizeGreaterThanOrEqualTo(9);
        assertThat(served).isEqualTo(declared);
    }
}
