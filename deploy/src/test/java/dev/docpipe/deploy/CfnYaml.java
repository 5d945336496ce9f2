package dev.docpipe.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a CloudFormation/SAM template into plain maps and lists. The short tags become the long
 * form CloudFormation itself uses ({@code !Ref X} → {@code {Ref: X}}, {@code !GetAtt A.B} →
 * {@code {Fn::GetAtt: [A, B]}}, {@code !Sub s} → {@code {Fn::Sub: s}}, {@code !If [...]} →
 * {@code {Fn::If: [...]}}, {@code !Condition C} → {@code {Condition: C}}), so the checks see one shape.
 */
final class CfnYaml {
    private CfnYaml() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object doc = new Yaml(new Constructor(options)).load(text);
        if (!(doc instanceof Map)) {
            throw new IllegalArgumentException("a template is a YAML mapping");
        }
        return (Map<String, Object>) doc;
    }

    private static final class Constructor extends SafeConstructor {
        Constructor(LoaderOptions options) {
            super(options);
            // every tag this constructor does not know (all of CloudFormation's start with '!')
            this.yamlConstructors.put(null, new ShortTag());
        }

        private final class ShortTag extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String tag = node.getTag().getValue();
                if (!tag.startsWith("!")) {
                    throw new IllegalArgumentException("unknown YAML tag " + tag + " at " + node.getStartMark());
                }
                String name = tag.substring(1);
                String key = name.equals("Ref") || name.equals("Condition") ? name : "Fn::" + name;
                Object value;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    value = name.equals("GetAtt") ? Arrays.asList(text.split("\\.", 2)) : text;
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                Map<String, Object> fn = new LinkedHashMap<>();
                fn.put(key, value);
                return fn;
            }
        }
    }

    /** Whether {@code node} is an intrinsic function call: a one-entry map keyed Ref, Condition or Fn::*. */
    static boolean isIntrinsic(Object node) {
        if (node instanceof Map<?, ?> m && m.size() == 1) {
            Object key = m.keySet().iterator().next();
            return key instanceof String k && (k.equals("Ref") || k.equals("Condition") || k.startsWith("Fn::"));
        }
        return false;
    }
}
