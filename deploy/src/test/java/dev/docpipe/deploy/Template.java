package dev.docpipe.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * template.yaml as a tree, and that tree resolved for one set of parameters the way CloudFormation
 * would resolve it: conditions evaluated, {@code Fn::If} branches chosen, {@code AWS::NoValue} removed,
 * {@code Ref}/{@code GetAtt}/{@code Sub} replaced by names and ARNs. A reference to a resource that does
 * not exist, or whose condition is false, is an error (CloudFormation would refuse the template too).
 */
final class Template {
    static final Path ROOT = findRoot();
    static final Path FILE = ROOT.resolve("template.yaml");

    /** Names of resources SAM generates from the template's shorthand (the usage plan's API key). */
    private static final List<String> SAM_GENERATED = List.of("DocpipeApiApiKey", "DocpipeApiUsagePlan");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");
    /** A CloudFormation dynamic reference to a Secrets Manager JSON key, resolved at deploy time. */
    private static final Pattern SECRET = Pattern.compile("\\{\\{resolve:secretsmanager:(.+):SecretString:(\\w+)}}");
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    final Map<String, Object> tree;

    private Template(Map<String, Object> tree) {
        this.tree = tree;
    }

    static Template load() {
        try {
            return parse(Files.readString(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Template parse(String text) {
        return new Template(CfnYaml.parse(text));
    }

    Map<String, Object> resources() {
        return map(tree.get("Resources"));
    }

    Map<String, Object> resource(String logicalId) {
        return map(Objects.requireNonNull(resources().get(logicalId), "no resource " + logicalId));
    }

    Map<String, Object> properties(String logicalId) {
        return map(resource(logicalId).get("Properties"));
    }

    /** Logical ids of the resources of one type, in template order. */
    List<String> ofType(String type) {
        List<String> ids = new ArrayList<>();
        resources().forEach((id, r) -> {
            if (type.equals(map(r).get("Type"))) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** The template resolved with its parameters' defaults, overridden by {@code parameters}. */
    Resolved resolve(Map<String, String> parameters, String account, String region) {
        return new Resolved(this, parameters, Map.of(), account, region);
    }

    /**
     * As {@link #resolve(Map, String, String)}, with the values of secrets that dynamic references
     * ({@code {{resolve:secretsmanager:<arn>:SecretString:<key>}}}) name, keyed {@code <arn>#<key>}.
     */
    Resolved resolve(Map<String, String> parameters, Map<String, String> secrets, String account, String region) {
        return new Resolved(this, parameters, secrets, account, region);
    }

    Resolved resolveDefaults() {
        return resolve(Map.of(), "123456789012", "us-east-1");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node == null ? new LinkedHashMap<>() : (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        return node == null ? new ArrayList<>() : (List<Object>) node;
    }

    /** The template under one set of parameters. */
    static final class Resolved {
        final Template template;
        final String account;
        final String region;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private final Map<String, String> secrets;

        private Resolved(Template template, Map<String, String> overrides, Map<String, String> secrets, String account,
                         String region) {
            this.template = template;
            this.secrets = secrets;
            this.account = account;
            this.region = region;
            map(template.tree.get("Parameters")).forEach((name, p) -> {
                Map<String, Object> param = map(p);
                String value = overrides.containsKey(name) ? overrides.get(name)
                        : param.containsKey("Default") ? String.valueOf(param.get("Default")) : null;
                if (value == null) {
                    throw new IllegalArgumentException("parameter " + name + " has no default and no value");
                }
                parameters.put(name, "CommaDelimitedList".equals(param.get("Type")) ? List.of(value.split(",", -1)) : value);
            });
            for (String name : overrides.keySet()) {
                if (!parameters.containsKey(name)) {
                    throw new IllegalArgumentException("template has no parameter " + name);
                }
            }
        }

        boolean condition(String name) {
            Object definition = map(template.tree.get("Conditions")).get(name);
            if (definition == null) {
                throw new IllegalArgumentException("no condition " + name);
            }
            return (Boolean) value(definition);
        }

        /** Whether the resource exists under these parameters. */
        boolean exists(String logicalId) {
            Object condition = template.resource(logicalId).get("Condition");
            return condition == null || condition((String) condition);
        }

        /** A resource's properties, resolved. */
        Map<String, Object> properties(String logicalId) {
            return map(value(template.resource(logicalId).get("Properties")));
        }

        /** The physical name a {@code Ref} to the resource gives (what the checks compare). */
        String name(String logicalId) {
            if (SAM_GENERATED.contains(logicalId)) {
                return logicalId;
            }
            Map<String, Object> resource = template.resources().containsKey(logicalId) ? template.resource(logicalId) : null;
            if (resource == null) {
                throw new IllegalArgumentException("reference to a resource that does not exist: " + logicalId);
            }
            if (!exists(logicalId)) {
                throw new IllegalArgumentException("reference to " + logicalId + ", whose condition is false here");
            }
            Map<String, Object> props = map(resource.get("Properties"));
            Object named = switch (String.valueOf(resource.get("Type"))) {
                case "AWS::SQS::Queue" -> props.get("QueueName");
                case "AWS::S3::Bucket" -> props.get("BucketName");
                case "AWS::DynamoDB::Table" -> props.get("TableName");
                case "AWS::ElastiCache::ServerlessCache" -> props.get("ServerlessCacheName");
                default -> null;
            };
            return named == null ? logicalId : String.valueOf(value(named));
        }

        String attribute(String logicalId, String attribute) {
            String generatedRoleOf = logicalId.endsWith("Role") ? logicalId.substring(0, logicalId.length() - 4) : null;
            if (generatedRoleOf != null && attribute.equals("Arn") && !template.resources().containsKey(logicalId)
                    && functions().contains(generatedRoleOf) && !function(generatedRoleOf).containsKey("Role")) {
                // SAM generates <Function>Role for a function without a Role of its own
                return "arn:aws:iam::" + account + ":role/" + logicalId;
            }
            String name = name(logicalId);
            String type = String.valueOf(template.resource(logicalId).get("Type"));
            return switch (type + "." + attribute) {
                case "AWS::SQS::Queue.Arn" -> "arn:aws:sqs:" + region + ":" + account + ":" + name;
                case "AWS::SQS::Queue.QueueName" -> name;
                case "AWS::DynamoDB::Table.Arn" -> "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name;
                case "AWS::S3::Bucket.Arn" -> "arn:aws:s3:::" + name;
                case "AWS::ElastiCache::ServerlessCache.Endpoint.Address" -> name + ".serverless.cache.amazonaws.com";
                case "AWS::ElastiCache::ServerlessCache.Endpoint.Port" -> "6379";
                default -> throw new IllegalArgumentException("GetAtt " + logicalId + "." + attribute + " (" + type + ") is not modelled");
            };
        }

        /** Resolves any node: intrinsic functions evaluated, NoValue entries dropped. */
        Object value(Object node) {
            if (CfnYaml.isIntrinsic(node)) {
                Map.Entry<String, Object> fn = map(node).entrySet().iterator().next();
                return call(fn.getKey(), fn.getValue());
            }
            if (node instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> {
                    Object resolved = value(v);
                    if (resolved != NO_VALUE) {
                        out.put(String.valueOf(k), resolved);
                    }
                });
                return out;
            }
            if (node instanceof List<?> l) {
                List<Object> out = new ArrayList<>();
                for (Object item : l) {
                    Object resolved = value(item);
                    if (resolved != NO_VALUE) {
                        out.add(resolved);
                    }
                }
                return out;
            }
            return node;
        }

        private Object call(String fn, Object args) {
            return switch (fn) {
                case "Ref" -> ref((String) args);
                case "Condition" -> condition((String) args);
                case "Fn::GetAtt" -> {
                    List<Object> a = list(args);
                    yield attribute((String) a.get(0), (String) a.get(1));
                }
                case "Fn::Sub" -> sub(args);
                case "Fn::If" -> {
                    List<Object> a = list(args);
                    yield value(condition((String) a.get(0)) ? a.get(1) : a.get(2));
                }
                case "Fn::Join" -> {
                    List<Object> a = list(args);
                    List<String> parts = new ArrayList<>();
                    for (Object part : list(value(a.get(1)))) {
                        parts.add(String.valueOf(part));
                    }
                    yield String.join((String) a.get(0), parts);
                }
                case "Fn::Equals" -> {
                    List<Object> a = list(args);
                    yield String.valueOf(value(a.get(0))).equals(String.valueOf(value(a.get(1))));
                }
                case "Fn::Not" -> !(Boolean) value(list(args).get(0));
                case "Fn::And" -> list(args).stream().allMatch(c -> (Boolean) value(c));
                case "Fn::Or" -> list(args).stream().anyMatch(c -> (Boolean) value(c));
                default -> throw new IllegalArgumentException(fn + " is not modelled");
            };
        }

        private Object ref(String name) {
            return switch (name) {
                case "AWS::NoValue" -> NO_VALUE;
                case "AWS::Region" -> region;
                case "AWS::AccountId" -> account;
                case "AWS::Partition" -> "aws";
                case "AWS::URLSuffix" -> "amazonaws.com";
                case "AWS::StackName" -> "docpipe";
                default -> parameters.containsKey(name) ? parameters.get(name) : name(name);
            };
        }

        private String sub(Object args) {
            String text;
            Map<String, Object> variables = Map.of();
            if (args instanceof List<?> l) {
                text = (String) l.get(0);
                variables = map(l.get(1));
            } else {
                text = (String) args;
            }
            Matcher m = SUB_VARIABLE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String variable = m.group(1);
                Object replacement;
                if (variables.containsKey(variable)) {
                    replacement = value(variables.get(variable));
                } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                    int dot = variable.indexOf('.');
                    replacement = attribute(variable.substring(0, dot), variable.substring(dot + 1));
                } else {
                    replacement = ref(variable);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(replacement)));
            }
            m.appendTail(out);
            Matcher secret = SECRET.matcher(out);
            return secret.matches() && secrets.containsKey(secret.group(1) + "#" + secret.group(2))
                    ? secrets.get(secret.group(1) + "#" + secret.group(2)) : out.toString();
        }

        // ------------------------------------------------------------ functions

        List<String> functions() {
            return template.ofType("AWS::Serverless::Function");
        }

        /** A function's properties with the template's Globals applied (SAM merges maps, the function wins). */
        Map<String, Object> function(String logicalId) {
            Map<String, Object> globals = map(value(map(template.tree.get("Globals")).get("Function")));
            Map<String, Object> own = properties(logicalId);
            return merge(globals, own);
        }

        /** The environment variables a function gets. */
        Map<String, String> environment(String logicalId) {
            Map<String, String> env = new LinkedHashMap<>();
            map(map(function(logicalId).get("Environment")).get("Variables"))
                    .forEach((k, v) -> env.put(k, String.valueOf(v)));
            return env;
        }

        int timeout(String logicalId) {
            return Integer.parseInt(String.valueOf(function(logicalId).get("Timeout")));
        }

        /** The function's events of one type (SQS, Api, Schedule), by event name. */
        Map<String, Map<String, Object>> events(String logicalId, String type) {
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            map(properties(logicalId).get("Events")).forEach((name, e) -> {
                if (type.equals(map(e).get("Type"))) {
                    out.put(name, map(map(e).get("Properties")));
                }
            });
            return out;
        }

        private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
            Map<String, Object> out = new LinkedHashMap<>(base);
            over.forEach((k, v) -> {
                Object b = out.get(k);
                out.put(k, b instanceof Map<?, ?> && v instanceof Map<?, ?> ? merge(map(b), map(v)) : v);
            });
            return out;
        }
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
