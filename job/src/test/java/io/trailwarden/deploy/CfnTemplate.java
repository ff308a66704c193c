package io.trailwarden.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A CloudFormation template as plain maps and lists. CloudFormation's short tags ({@code !Ref X},
 * {@code !Sub ...}, {@code !GetAtt A.B}, ...) are read into their long form ({@code {"Ref": "X"}},
 * {@code {"Fn::Sub": ...}}), exactly as CloudFormation itself reads them, so checks see what AWS sees.
 */
final class CfnTemplate {
    final Path file;
    final Map<String, Object> root;

    private CfnTemplate(Path file, Map<String, Object> root) {
        this.file = file;
        this.root = root;
    }

    static CfnTemplate load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return parse(file, reader);
        }
    }

    @SuppressWarnings("unchecked")
    static CfnTemplate parse(Path name, Reader reader) {
        Yaml yaml = new Yaml(new ShortTagConstructor());
        return new CfnTemplate(name, (Map<String, Object>) yaml.load(reader));
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources() {
        return (Map<String, Map<String, Object>>) root.getOrDefault("Resources", Map.of());
    }

    Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> matching = new LinkedHashMap<>();
        resources().forEach((id, resource) -> {
            if (type.equals(resource.get("Type"))) {
                matching.put(id, resource);
            }
        });
        return matching;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    }

    /** Every statement of every policy document anywhere in the template, each with where it is. */
    List<Statement> statements() {
        List<Statement> found = new ArrayList<>();
        resources().forEach((id, resource) -> collectStatements(id, resource, found));
        return found;
    }

    @SuppressWarnings("unchecked")
    private static void collectStatements(String where, Object node, List<Statement> found) {
        if (node instanceof Map) {
            Map<String, Object> map = (Map<String, Object>) node;
            Object statement = map.get("Statement");
            if (statement instanceof List) {
                for (Object each : (List<Object>) statement) {
                    found.add(new Statement(where, (Map<String, Object>) each));
                }
            } else if (statement instanceof Map) {
                found.add(new Statement(where, (Map<String, Object>) statement));
            }
            map.forEach((key, value) -> {
                if (!"Statement".equals(key)) {
                    collectStatements(where + "." + key, value, found);
                }
            });
        } else if (node instanceof List) {
            List<Object> list = (List<Object>) node;
            for (int i = 0; i < list.size(); i++) {
                collectStatements(where + "[" + i + "]", list.get(i), found);
            }
        }
    }

    /** One IAM-style policy statement; Action and Resource may be one value or a list. */
    static final class Statement {
        final String where;
        final Map<String, Object> body;

        Statement(String where, Map<String, Object> body) {
            this.where = where;
            this.body = body;
        }

        boolean allows() {
            return "Allow".equals(body.get("Effect"));
        }

        List<Object> actions() {
            return asList(body.get("Action"));
        }

        List<Object> resources() {
            return asList(body.get("Resource"));
        }

        boolean has(String key) {
            return body.containsKey(key);
        }

        @SuppressWarnings("unchecked")
        private static List<Object> asList(Object value) {
            if (value == null) {
                return List.of();
            }
            return value instanceof List ? (List<Object>) value : List.of(value);
        }

        @Override
        public String toString() {
            return where + " " + body;
        }
    }

    private static final class ShortTagConstructor extends SafeConstructor {
        ShortTagConstructor() {
            super(new LoaderOptions());
            this.yamlMultiConstructors.put("!", new LongForm());
        }

        private final class LongForm extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                String tag = node.getTag().getValue().substring(1);
                String function = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
                Object value;
                if (node instanceof ScalarNode) {
                    String text = constructScalar((ScalarNode) node);
                    value = tag.equals("GetAtt") ? List.of(text.split("\\.", 2)) : text;
                } else if (node instanceof SequenceNode) {
                    value = constructSequence((SequenceNode) node);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                return Map.of(function, value);
            }
        }
    }
}
