package io.trailwarden.rules.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.Durations;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Severity;
import io.trailwarden.rules.model.Cidr;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.model.ResponseSpec;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.rules.model.RuleTestCase;
import io.trailwarden.rules.model.Step;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Loads rule files and validates them completely before anything is compiled: every problem in every
 * file is collected with its file and line, so an author fixes a catalogue in one pass. SnakeYAML's
 * node graph is used (not data binding) because it keeps the line of every key and value.
 */
public final class RuleLoader {
    /** Keys accepted at each level; the JSON Schema in rules/schema lists the same ones (checked by a test). */
    public static final List<String> RULE_KEYS = List.of("id", "title", "description", "severity", "mitre",
            "references", "falsePositives", "runbook", "detection", "response", "tests");
    public static final List<String> DETECTION_KEYS = List.of("match", "threshold", "sequence");
    public static final List<String> MATCH_KEYS = List.of("where");
    public static final List<String> THRESHOLD_KEYS = List.of("where", "by", "within", "atLeast", "distinct");
    public static final List<String> SEQUENCE_KEYS = List.of("by", "within", "steps", "absent");
    public static final List<String> STEP_KEYS = List.of("name", "where", "capture");
    public static final List<String> ABSENT_KEYS = List.of("name", "where", "within");
    public static final List<String> RESPONSE_KEYS = List.of("contain");
    public static final List<String> CONTAIN_KEYS = List.of("userFromField", "userFromCapture");
    public static final List<String> TEST_KEYS = List.of("name", "expect", "target", "events");
    public static final List<String> CONDITION_OPTION_KEYS = List.of("ignoreCase", "matchWhenListEmpty");
    public static final List<String> CONDITION_GROUP_KEYS = List.of("all", "any", "not");

    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern MITRE = Pattern.compile("T\\d{4}(\\.\\d{3})?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final int MIN_TESTS_EACH_WAY = 2;

    /** One rule file's text and the name errors should carry. */
    public static final class Source {
        public final String name;
        public final String text;

        public Source(String name, String text) {
            this.name = name;
            this.text = text;
        }
    }

    private final Set<String> listNames;
    private final Duration maxWindow;

    public RuleLoader(Collection<String> listNames, Duration maxWindow) {
        this.listNames = new HashSet<>(listNames);
        this.maxWindow = maxWindow;
    }

    /** Every {@code *.yaml} / {@code *.yml} file directly in the directory (the schema folder is not a rule). */
    public static List<Source> readDirectory(Path directory) throws IOException {
        List<Source> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().collect(Collectors.toList())) {
                String name = file.getFileName().toString();
                if (Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
                    sources.add(new Source(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
                }
            }
        }
        return sources;
    }

    public List<Rule> load(List<Source> sources) throws InvalidRulesException {
        List<RuleError> errors = new ArrayList<>();
        List<Rule> rules = load(sources, errors);
        if (!errors.isEmpty()) {
            Collections.sort(errors);
            throw new InvalidRulesException(errors);
        }
        return rules;
    }

    /** Loads what it can; every problem goes to {@code errors}. Rules with errors are not returned. */
    public List<Rule> load(List<Source> sources, List<RuleError> errors) {
        List<Rule> rules = new ArrayList<>();
        Map<String, String> firstFileOfId = new HashMap<>();
        for (Source source : sources) {
            FileContext context = new FileContext(source.name, errors);
            int before = errors.size();
            Rule rule = loadOne(source, context);
            if (rule == null) {
                continue;
            }
            if (rule.id != null) {
                String earlier = firstFileOfId.putIfAbsent(rule.id, source.name);
                if (earlier != null) {
                    context.error(context.idLine, "duplicate rule id '" + rule.id + "' (also in " + earlier + ")");
                }
            }
            if (errors.size() == before) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private static final class FileContext {
        final String file;
        final List<RuleError> errors;
        int idLine;

        FileContext(String file, List<RuleError> errors) {
            this.file = file;
            this.errors = errors;
        }

        void error(int line, String message) {
            errors.add(new RuleError(file, line, message));
        }

        void error(Node node, String message) {
            error(line(node), message);
        }
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private Rule loadOne(Source source, FileContext context) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(source.text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            context.error(line, "not valid YAML: " + e.getProblem());
            return null;
        } catch (YAMLException e) {
            context.error(0, "not valid YAML: " + e.getMessage());
            return null;
        }
        if (!(root instanceof MappingNode)) {
            context.error(root == null ? 1 : line(root), "a rule file holds one mapping (id, title, detection, ...)");
            return null;
        }
        Rule rule = new Rule();
        rule.file = source.name;
        Map<String, NodeTuple> top = mapping((MappingNode) root, RULE_KEYS, "rule", context);

        rule.id = requiredString(top, "id", root, context);
        if (top.containsKey("id")) {
            context.idLine = line(top.get("id").getValueNode());
        }
        if (rule.id != null) {
            if (!ID.matcher(rule.id).matches()) {
                context.error(context.idLine, "id '" + rule.id + "' must be kebab-case (a-z, 0-9, single dashes)");
            }
            String base = baseName(source.name);
            if (!rule.id.equals(base)) {
                context.error(context.idLine, "id '" + rule.id + "' does not match the file name '" + base + "'");
            }
        }
        rule.title = requiredString(top, "title", root, context);
        rule.description = requiredString(top, "description", root, context);
        rule.runbook = requiredString(top, "runbook", root, context);
        String severity = requiredString(top, "severity", root, context);
        if (severity != null) {
            try {
                rule.severity = Severity.parse(severity);
            } catch (IllegalArgumentException e) {
                context.error(top.get("severity").getValueNode(), "severity must be one of informational, low, medium,"
                        + " high, critical, not '" + severity + "'");
            }
        }
        rule.mitre = stringList(top, "mitre", root, context, true);
        for (int i = 0; i < rule.mitre.size(); i++) {
            if (!MITRE.matcher(rule.mitre.get(i)).matches()) {
                context.error(((SequenceNode) top.get("mitre").getValueNode()).getValue().get(i),
                        "'" + rule.mitre.get(i) + "' is not a MITRE ATT&CK technique id such as T1098 or T1098.001");
            }
        }
        rule.references = stringList(top, "references", root, context, true);
        rule.falsePositives = stringList(top, "falsePositives", root, context, true);

        NodeTuple detection = top.get("detection");
        if (detection == null) {
            context.error(root, "missing required key 'detection'");
        } else {
            readDetection(detection.getValueNode(), rule, context);
        }
        NodeTuple response = top.get("response");
        if (response == null) {
            context.error(root, "missing required key 'response'");
        } else {
            readResponse(response.getValueNode(), rule, context);
        }
        NodeTuple tests = top.get("tests");
        if (tests == null) {
            context.error(root, "missing required key 'tests' (at least " + MIN_TESTS_EACH_WAY
                    + " cases expecting an alert and " + MIN_TESTS_EACH_WAY + " expecting none)");
        } else {
            readTests(tests.getValueNode(), rule, context);
        }
        return rule;
    }

    private static String baseName(String name) {
        String fileName = Path.of(name.replace("classpath:", "")).getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? fileName : fileName.substring(0, dot);
    }

    // ---- detection ----

    private void readDetection(Node node, Rule rule, FileContext context) {
        if (!(node instanceof MappingNode)) {
            context.error(node, "detection must be a mapping with one of: match, threshold, sequence");
            return;
        }
        Map<String, NodeTuple> detection = mapping((MappingNode) node, DETECTION_KEYS, "detection", context);
        if (detection.size() != 1) {
            if (detection.size() > 1 || ((MappingNode) node).getValue().isEmpty()) {
                context.error(node, "detection needs exactly one of: match, threshold, sequence");
            }
            return;
        }
        Map.Entry<String, NodeTuple> only = detection.entrySet().iterator().next();
        Node body = only.getValue().getValueNode();
        if (!(body instanceof MappingNode)) {
            context.error(body, only.getKey() + " must be a mapping");
            return;
        }
        switch (only.getKey()) {
            case "match":
                readMatch((MappingNode) body, rule, context);
                break;
            case "threshold":
                readThreshold((MappingNode) body, rule, context);
                break;
            default:
                readSequence((MappingNode) body, rule, context);
                break;
        }
    }

    private void readMatch(MappingNode body, Rule rule, FileContext context) {
        rule.kind = Rule.Kind.MATCH;
        Map<String, NodeTuple> match = mapping(body, MATCH_KEYS, "match", context);
        Step step = new Step();
        step.name = "match";
        step.line = line(body);
        step.where = requiredCondition(match, body, context, Set.of());
        checkReachable(step, context);
        rule.steps.add(step);
    }

    private void readThreshold(MappingNode body, Rule rule, FileContext context) {
        rule.kind = Rule.Kind.THRESHOLD;
        Map<String, NodeTuple> threshold = mapping(body, THRESHOLD_KEYS, "threshold", context);
        Step step = new Step();
        step.name = "threshold";
        step.line = line(body);
        step.where = requiredCondition(threshold, body, context, Set.of());
        checkReachable(step, context);
        rule.steps.add(step);
        rule.by = byKeys(threshold, body, context);
        rule.within = window(threshold, body, context);
        NodeTuple atLeast = threshold.get("atLeast");
        if (atLeast == null) {
            context.error(body, "threshold needs 'atLeast' (how many events, or distinct values, make a finding)");
        } else {
            String text = scalar(atLeast.getValueNode(), "atLeast", context);
            try {
                rule.atLeast = text == null ? 0 : Integer.parseInt(text);
                if (rule.atLeast < 2 || rule.atLeast > 10_000) {
                    context.error(atLeast.getValueNode(), "atLeast must be between 2 and 10000, not " + rule.atLeast);
                }
            } catch (NumberFormatException e) {
                context.error(atLeast.getValueNode(), "atLeast must be a whole number, not '" + text + "'");
            }
        }
        NodeTuple distinct = threshold.get("distinct");
        if (distinct != null) {
            rule.distinctField = scalar(distinct.getValueNode(), "distinct", context);
            checkField(rule.distinctField, distinct.getValueNode(), context);
        }
    }

    private void readSequence(MappingNode body, Rule rule, FileContext context) {
        rule.kind = Rule.Kind.SEQUENCE;
        Map<String, NodeTuple> sequence = mapping(body, SEQUENCE_KEYS, "sequence", context);
        rule.by = byKeys(sequence, body, context);
        rule.within = window(sequence, body, context);
        NodeTuple steps = sequence.get("steps");
        if (steps == null || !(steps.getValueNode() instanceof SequenceNode)) {
            context.error(steps == null ? body : steps.getValueNode(), "sequence needs 'steps': a list of at least two steps");
            return;
        }
        List<Node> stepNodes = ((SequenceNode) steps.getValueNode()).getValue();
        if (stepNodes.size() < 2) {
            context.error(steps.getValueNode(), "a sequence needs at least two steps (one step is a match rule)");
        }
        Map<String, Integer> stepLines = new HashMap<>();
        Set<String> capturesSoFar = new HashSet<>();
        for (Node stepNode : stepNodes) {
            Step step = readStep(stepNode, STEP_KEYS, capturesSoFar, stepLines, context);
            if (step != null) {
                rule.steps.add(step);
                capturesSoFar.addAll(step.captures.keySet());
            }
        }
        NodeTuple absent = sequence.get("absent");
        if (absent != null) {
            Step step = readStep(absent.getValueNode(), ABSENT_KEYS, capturesSoFar, stepLines, context);
            if (step != null) {
                step.absent = true;
                rule.steps.add(step);
                Map<String, NodeTuple> absentKeys = mapping((MappingNode) absent.getValueNode(), ABSENT_KEYS, null, context);
                rule.absentWithin = window(absentKeys, absent.getValueNode(), context);
                if (rule.within != null && rule.absentWithin != null
                        && rule.within.plus(rule.absentWithin).compareTo(maxWindow) > 0) {
                    context.error(absentKeys.get("within").getValueNode(), "within plus the absent step's within ("
                            + rule.within.plus(rule.absentWithin) + ") exceeds the configured maximum rule window "
                            + maxWindow + " (TrailWarden.Detection.maxRuleWindow)");
                }
            }
        }
    }

    private Step readStep(Node node, List<String> keys, Set<String> capturesSoFar, Map<String, Integer> stepLines,
            FileContext context) {
        if (!(node instanceof MappingNode)) {
            context.error(node, "a step is a mapping with " + String.join(", ", keys));
            return null;
        }
        Map<String, NodeTuple> fields = mapping((MappingNode) node, keys, "step", context);
        Step step = new Step();
        step.line = line(node);
        step.name = requiredString(fields, "name", node, context);
        if (step.name != null) {
            Integer earlier = stepLines.putIfAbsent(step.name, step.line);
            if (earlier != null) {
                context.error(fields.get("name").getValueNode(),
                        "duplicate step name '" + step.name + "' (first used on line " + earlier + ")");
            } else if (!NAME.matcher(step.name).matches()) {
                context.error(fields.get("name").getValueNode(), "step name '" + step.name
                        + "' must start with a letter and hold only letters, digits, '-' and '_'");
            }
        }
        step.where = requiredCondition(fields, node, context, capturesSoFar);
        NodeTuple capture = fields.get("capture");
        if (capture != null) {
            if (!(capture.getValueNode() instanceof MappingNode)) {
                context.error(capture.getValueNode(), "capture maps names to field paths: {user: requestParameters.userName}");
            } else {
                for (NodeTuple entry : ((MappingNode) capture.getValueNode()).getValue()) {
                    String name = scalar(entry.getKeyNode(), "capture name", context);
                    String path = scalar(entry.getValueNode(), "capture path", context);
                    if (name == null || path == null) {
                        continue;
                    }
                    if (capturesSoFar.contains(name) || step.captures.containsKey(name)) {
                        context.error(entry.getKeyNode(), "capture '" + name + "' is already defined by an earlier step");
                    }
                    checkField(path, entry.getValueNode(), context);
                    step.captures.put(name, path);
                }
            }
        }
        checkReachable(step, context);
        return step;
    }

    /**
     * A step whose conjuncts demand two different exact values of one field can never match: almost
     * always a copy-paste slip (two eventName lines) that would silently disable the rule.
     */
    private static void checkReachable(Step step, FileContext context) {
        if (step.where == null) {
            return;
        }
        Map<String, Set<String>> allowed = new HashMap<>();
        for (ConditionSpec conjunct : step.where.conjuncts()) {
            if (conjunct.kind != ConditionSpec.Kind.FIELD || conjunct.ignoreCase
                    || (conjunct.operator != ConditionSpec.Operator.EQUALS
                            && conjunct.operator != ConditionSpec.Operator.ONE_OF)) {
                continue;
            }
            Set<String> values = new HashSet<>(conjunct.values);
            Set<String> earlier = allowed.get(conjunct.field);
            if (earlier != null) {
                values.retainAll(earlier);
                if (values.isEmpty()) {
                    context.error(conjunct.line, "step '" + step.name + "' is unreachable: " + conjunct.field
                            + " cannot be one of " + earlier + " and one of " + conjunct.values + " at once");
                }
            }
            allowed.put(conjunct.field, values);
        }
    }

    private List<String> byKeys(Map<String, NodeTuple> fields, Node owner, FileContext context) {
        NodeTuple by = fields.get("by");
        if (by == null) {
            context.error(owner, "missing required key 'by' (dotted paths, or 'actor' for the acting identity)");
            return new ArrayList<>();
        }
        List<String> keys = scalarOrList(by.getValueNode(), "by", context);
        if (keys.isEmpty()) {
            context.error(by.getValueNode(), "'by' needs at least one key");
        }
        for (String key : keys) {
            if (!Rule.ACTOR_KEY.equals(key)) {
                checkField(key, by.getValueNode(), context);
            }
        }
        return keys;
    }

    private Duration window(Map<String, NodeTuple> fields, Node owner, FileContext context) {
        NodeTuple within = fields.get("within");
        if (within == null) {
            context.error(owner, "missing required key 'within': every sequence and threshold has a window");
            return null;
        }
        String text = scalar(within.getValueNode(), "within", context);
        Duration window = text == null ? null : Durations.parse(text);
        if (window == null) {
            context.error(within.getValueNode(), "within must be a duration such as 90s, 15m, 2h or PT15M, not '"
                    + text + "'");
            return null;
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0) {
            context.error(within.getValueNode(), "within must be at least 1s (CloudTrail times have one-second resolution)");
        }
        if (window.compareTo(maxWindow) > 0) {
            context.error(within.getValueNode(), "window " + window + " exceeds the configured maximum rule window "
                    + maxWindow + " (TrailWarden.Detection.maxRuleWindow)");
        }
        return window;
    }

    // ---- conditions ----

    /** One condition from YAML text, as a rule's {@code where} holds it; for tests of the condition language. */
    public ConditionSpec condition(String yaml, List<RuleError> errors) {
        FileContext context = new FileContext("condition", errors);
        Node node = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(yaml));
        return condition(node, context, Set.of(), true);
    }

    private ConditionSpec requiredCondition(Map<String, NodeTuple> fields, Node owner, FileContext context,
            Set<String> captures) {
        NodeTuple where = fields.get("where");
        if (where == null) {
            context.error(owner, "missing required key 'where' (the field conditions)");
            return null;
        }
        return condition(where.getValueNode(), context, captures, true);
    }

    /**
     * @param captures captures defined by earlier steps; {@code equalsCapture} may only use these
     * @param topLevel capture comparisons are allowed only among a step's top-level conjuncts, where the
     *     compiled pattern can check them as plain equalities
     */
    private ConditionSpec condition(Node node, FileContext context, Set<String> captures, boolean topLevel) {
        if (!(node instanceof MappingNode)) {
            context.error(node, "a condition is a mapping of field paths (or all/any/not) to expected values");
            return null;
        }
        List<ConditionSpec> parts = new ArrayList<>();
        for (NodeTuple entry : ((MappingNode) node).getValue()) {
            String key = scalar(entry.getKeyNode(), "condition key", context);
            if (key == null) {
                continue;
            }
            Node value = entry.getValueNode();
            switch (key) {
                case "all":
                case "any":
                    if (!(value instanceof SequenceNode) || ((SequenceNode) value).getValue().isEmpty()) {
                        context.error(value, key + " takes a non-empty list of conditions");
                        continue;
                    }
                    List<ConditionSpec> children = new ArrayList<>();
                    for (Node child : ((SequenceNode) value).getValue()) {
                        ConditionSpec spec = condition(child, context, captures, topLevel && key.equals("all"));
                        if (spec != null) {
                            children.add(spec);
                        }
                    }
                    parts.add(ConditionSpec.group(key.equals("all") ? ConditionSpec.Kind.ALL : ConditionSpec.Kind.ANY,
                            line(entry.getKeyNode()), children));
                    break;
                case "not":
                    ConditionSpec negated = condition(value, context, captures, false);
                    if (negated != null) {
                        parts.add(ConditionSpec.group(ConditionSpec.Kind.NOT, line(entry.getKeyNode()), List.of(negated)));
                    }
                    break;
                default:
                    fieldConditions(key, entry, context, captures, topLevel, parts);
                    break;
            }
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return ConditionSpec.group(ConditionSpec.Kind.ALL, line(node), parts);
    }

    private void fieldConditions(String field, NodeTuple entry, FileContext context, Set<String> captures,
            boolean topLevel, List<ConditionSpec> into) {
        Node keyNode = entry.getKeyNode();
        Node value = entry.getValueNode();
        checkField(field, keyNode, context);
        int line = line(keyNode);
        if (value instanceof ScalarNode) {
            into.add(ConditionSpec.field(field, ConditionSpec.Operator.EQUALS, List.of(scalarText(value)), line));
            return;
        }
        if (value instanceof SequenceNode) {
            into.add(ConditionSpec.field(field, ConditionSpec.Operator.ONE_OF, scalarList(value, field, context), line));
            return;
        }
        Map<String, NodeTuple> operators = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) value).getValue()) {
            String name = scalar(tuple.getKeyNode(), "operator", context);
            if (name != null) {
                operators.put(name, tuple);
            }
        }
        boolean ignoreCase = flag(operators.remove("ignoreCase"), context);
        boolean matchWhenListEmpty = flag(operators.remove("matchWhenListEmpty"), context);
        if (operators.isEmpty()) {
            context.error(value, "no operator for '" + field + "' (one of " + operatorNames() + ")");
        }
        for (Map.Entry<String, NodeTuple> operatorEntry : operators.entrySet()) {
            ConditionSpec.Operator operator = ConditionSpec.Operator.fromYaml(operatorEntry.getKey());
            Node operand = operatorEntry.getValue().getValueNode();
            int operatorLine = line(operatorEntry.getValue().getKeyNode());
            if (operator == null) {
                context.error(operatorLine, "unknown key '" + operatorEntry.getKey() + "' in the condition on '" + field
                        + "' (operators: " + operatorNames() + "; options: " + String.join(", ", CONDITION_OPTION_KEYS)
                        + ")");
                continue;
            }
            ConditionSpec spec = ConditionSpec.field(field, operator, scalarOrList(operand, operator.yamlName, context),
                    operatorLine);
            spec.ignoreCase = ignoreCase;
            spec.matchWhenListEmpty = matchWhenListEmpty;
            if (checkOperand(spec, operand, context, captures, topLevel)) {
                into.add(spec);
            }
        }
    }

    private boolean checkOperand(ConditionSpec spec, Node operand, FileContext context, Set<String> captures,
            boolean topLevel) {
        int before = context.errors.size();
        boolean single = spec.values.size() == 1;
        switch (spec.operator) {
            case REGEX:
                for (String regex : spec.values) {
                    try {
                        Pattern.compile(regex);
                    } catch (PatternSyntaxException e) {
                        context.error(operand, "bad regex '" + regex + "': " + e.getDescription());
                    }
                }
                break;
            case CIDR:
                for (String cidr : spec.values) {
                    String problem = Cidr.problemWith(cidr);
                    if (problem != null) {
                        context.error(operand, problem);
                    }
                }
                break;
            case EXISTS:
                if (!single || !("true".equals(spec.values.get(0)) || "false".equals(spec.values.get(0)))) {
                    context.error(operand, "exists takes true or false");
                }
                break;
            case GT:
            case GTE:
            case LT:
            case LTE:
                if (!single || ConditionSpec.parseNumber(spec.values.get(0)) == null) {
                    context.error(operand, spec.operator.yamlName + " takes one number");
                }
                break;
            case EQUALS_FIELD:
            case NOT_EQUALS_FIELD:
                if (!single) {
                    context.error(operand, spec.operator.yamlName + " takes one field path");
                } else {
                    checkField(spec.values.get(0), operand, context);
                }
                break;
            case IN_LIST:
                if (!single) {
                    context.error(operand, "inList takes one list name");
                } else if (!listNames.contains(spec.values.get(0))) {
                    context.error(operand, "unknown named list '" + spec.values.get(0) + "' (configured in"
                            + " TrailWarden.Lists: " + String.join(", ", new java.util.TreeSet<>(listNames)) + ")");
                }
                break;
            case EQUALS_CAPTURE:
                if (!single) {
                    context.error(operand, "equalsCapture takes one capture name");
                } else if (!captures.contains(spec.values.get(0))) {
                    context.error(operand, "capture '" + spec.values.get(0)
                            + "' is used before it is defined (captures come from earlier steps)");
                } else if (!topLevel) {
                    context.error(operand, "equalsCapture may only be used directly in a step's where (or its all),"
                            + " not under any/not");
                }
                break;
            default:
                if (spec.values.isEmpty()) {
                    context.error(operand, spec.operator.yamlName + " needs a value");
                }
                break;
        }
        return context.errors.size() == before;
    }

    private static String operatorNames() {
        return Stream.of(ConditionSpec.Operator.values()).map(o -> o.yamlName).collect(Collectors.joining(", "));
    }

    private void checkField(String path, Node node, FileContext context) {
        if (path == null) {
            return;
        }
        String problem = CloudTrailFields.problemWith(path);
        if (problem != null) {
            context.error(node, problem);
        }
    }

    // ---- response and tests ----

    private void readResponse(Node node, Rule rule, FileContext context) {
        if (!(node instanceof MappingNode)) {
            context.error(node, "response must be a mapping: {contain: actor | none | {userFromField: PATH} |"
                    + " {userFromCapture: NAME}}");
            return;
        }
        Map<String, NodeTuple> response = mapping((MappingNode) node, RESPONSE_KEYS, "response", context);
        NodeTuple contain = response.get("contain");
        if (contain == null) {
            context.error(node, "missing required key 'contain' (actor, none, {userFromField: ...} or {userFromCapture: ...})");
            return;
        }
        Node value = contain.getValueNode();
        if (value instanceof ScalarNode) {
            String text = scalarText(value);
            if ("actor".equals(text)) {
                rule.response.contain = ResponseSpec.Contain.ACTOR;
            } else if ("none".equals(text)) {
                rule.response.contain = ResponseSpec.Contain.NONE;
            } else {
                context.error(value, "contain must be actor, none, {userFromField: PATH} or {userFromCapture: NAME},"
                        + " not '" + text + "'");
            }
            return;
        }
        if (!(value instanceof MappingNode)) {
            context.error(value, "contain must be actor, none, {userFromField: PATH} or {userFromCapture: NAME}");
            return;
        }
        Map<String, NodeTuple> target = mapping((MappingNode) value, CONTAIN_KEYS, "contain", context);
        if (target.size() != 1) {
            context.error(value, "contain needs exactly one of userFromField, userFromCapture");
            return;
        }
        Map.Entry<String, NodeTuple> only = target.entrySet().iterator().next();
        String reference = scalar(only.getValue().getValueNode(), only.getKey(), context);
        rule.response.reference = reference;
        if ("userFromField".equals(only.getKey())) {
            rule.response.contain = ResponseSpec.Contain.USER_FROM_FIELD;
            checkField(reference, only.getValue().getValueNode(), context);
        } else {
            rule.response.contain = ResponseSpec.Contain.USER_FROM_CAPTURE;
            Set<String> defined = new HashSet<>();
            for (Step step : rule.positiveSteps()) {
                defined.addAll(step.captures.keySet());
            }
            if (!defined.contains(reference)) {
                context.error(only.getValue().getValueNode(), "userFromCapture names capture '" + reference
                        + "', which no step of this rule defines");
            }
        }
    }

    private void readTests(Node node, Rule rule, FileContext context) {
        if (!(node instanceof SequenceNode)) {
            context.error(node, "tests must be a list of {name, expect, events}");
            return;
        }
        int alerts = 0;
        int nones = 0;
        Set<String> names = new HashSet<>();
        for (Node caseNode : ((SequenceNode) node).getValue()) {
            if (!(caseNode instanceof MappingNode)) {
                context.error(caseNode, "a test is a mapping {name, expect, events}");
                continue;
            }
            Map<String, NodeTuple> fields = mapping((MappingNode) caseNode, TEST_KEYS, "test", context);
            RuleTestCase test = new RuleTestCase();
            test.line = line(caseNode);
            test.name = requiredString(fields, "name", caseNode, context);
            if (test.name != null && !names.add(test.name)) {
                context.error(fields.get("name").getValueNode(), "duplicate test name '" + test.name + "'");
            }
            String expect = requiredString(fields, "expect", caseNode, context);
            if (expect != null) {
                if ("alert".equals(expect)) {
                    test.expectAlert = true;
                    alerts++;
                } else if ("none".equals(expect)) {
                    nones++;
                } else {
                    context.error(fields.get("expect").getValueNode(), "expect must be alert or none, not '" + expect + "'");
                }
            }
            NodeTuple target = fields.get("target");
            if (target != null) {
                test.expectTarget = scalar(target.getValueNode(), "target", context);
            }
            NodeTuple events = fields.get("events");
            if (events == null || !(events.getValueNode() instanceof SequenceNode)
                    || ((SequenceNode) events.getValueNode()).getValue().isEmpty()) {
                context.error(events == null ? caseNode : events.getValueNode(),
                        "a test needs 'events': a non-empty list of CloudTrail records (any input shape)");
            } else {
                for (Node event : ((SequenceNode) events.getValueNode()).getValue()) {
                    test.inputs.add(event instanceof ScalarNode ? ((ScalarNode) event).getValue()
                            : EventJson.MAPPER.valueToTree(toJson(event)).toString());
                }
            }
            rule.tests.add(test);
        }
        if (alerts < MIN_TESTS_EACH_WAY || nones < MIN_TESTS_EACH_WAY) {
            context.error(node, "rule needs at least " + MIN_TESTS_EACH_WAY + " tests expecting an alert and "
                    + MIN_TESTS_EACH_WAY + " expecting none (has " + alerts + " and " + nones + ")");
        }
    }

    /** YAML to JSON, keeping YAML's resolved scalar types so numbers and booleans stay what CloudTrail wrote. */
    static JsonNode toJson(Node node) {
        JsonNodeFactory factory = JsonNodeFactory.instance;
        if (node instanceof MappingNode) {
            ObjectNode object = factory.objectNode();
            for (NodeTuple tuple : ((MappingNode) node).getValue()) {
                object.set(scalarText(tuple.getKeyNode()), toJson(tuple.getValueNode()));
            }
            return object;
        }
        if (node instanceof SequenceNode) {
            ArrayNode array = factory.arrayNode();
            for (Node item : ((SequenceNode) node).getValue()) {
                array.add(toJson(item));
            }
            return array;
        }
        ScalarNode scalar = (ScalarNode) node;
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return factory.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            return factory.booleanNode(Boolean.parseBoolean(text.toLowerCase(Locale.ROOT)));
        }
        if (Tag.INT.equals(tag)) {
            try {
                return factory.numberNode(new BigInteger(text));
            } catch (NumberFormatException e) {
                return factory.textNode(text);
            }
        }
        if (Tag.FLOAT.equals(tag)) {
            BigDecimal number = ConditionSpec.parseNumber(text);
            return number == null ? factory.textNode(text) : factory.numberNode(number);
        }
        return factory.textNode(text);
    }

    // ---- YAML helpers ----

    /** The mapping's entries by key; keys outside {@code allowed} are reported (when {@code what} is given). */
    private static Map<String, NodeTuple> mapping(MappingNode node, List<String> allowed, String what,
            FileContext context) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode)) {
                if (what != null) {
                    context.error(tuple.getKeyNode(), "keys must be plain strings");
                }
                continue;
            }
            String key = ((ScalarNode) tuple.getKeyNode()).getValue();
            if (entries.containsKey(key)) {
                if (what != null) {
                    context.error(tuple.getKeyNode(), "duplicate key '" + key + "' in " + what);
                }
                continue;
            }
            if (!allowed.contains(key)) {
                if (what != null) {
                    context.error(tuple.getKeyNode(), "unknown key '" + key + "' in " + what + " (allowed: "
                            + String.join(", ", allowed) + ")");
                }
                continue;
            }
            entries.put(key, tuple);
        }
        return entries;
    }

    private static String requiredString(Map<String, NodeTuple> fields, String key, Node owner, FileContext context) {
        NodeTuple tuple = fields.get(key);
        if (tuple == null) {
            context.error(owner, "missing required key '" + key + "'");
            return null;
        }
        String value = scalar(tuple.getValueNode(), key, context);
        if (value != null && value.isBlank()) {
            context.error(tuple.getValueNode(), "'" + key + "' must not be empty");
            return null;
        }
        return value;
    }

    private static String scalar(Node node, String what, FileContext context) {
        if (!(node instanceof ScalarNode) || Tag.NULL.equals(node.getTag())) {
            context.error(node, what + " must be a single value");
            return null;
        }
        return ((ScalarNode) node).getValue();
    }

    private static String scalarText(Node node) {
        return ((ScalarNode) node).getValue();
    }

    private static boolean flag(NodeTuple tuple, FileContext context) {
        if (tuple == null) {
            return false;
        }
        String value = scalar(tuple.getValueNode(), ((ScalarNode) tuple.getKeyNode()).getValue(), context);
        if (!"true".equals(value) && !"false".equals(value)) {
            context.error(tuple.getValueNode(), "must be true or false");
        }
        return "true".equals(value);
    }

    private static List<String> stringList(Map<String, NodeTuple> fields, String key, Node owner, FileContext context,
            boolean required) {
        NodeTuple tuple = fields.get(key);
        if (tuple == null) {
            if (required) {
                context.error(owner, "missing required key '" + key + "'");
            }
            return new ArrayList<>();
        }
        List<String> values = scalarList(tuple.getValueNode(), key, context);
        if (required && values.isEmpty()) {
            context.error(tuple.getValueNode(), "'" + key + "' needs at least one entry");
        }
        return values;
    }

    private static List<String> scalarOrList(Node node, String what, FileContext context) {
        if (node instanceof ScalarNode) {
            List<String> single = new ArrayList<>();
            single.add(scalarText(node));
            return single;
        }
        return scalarList(node, what, context);
    }

    private static List<String> scalarList(Node node, String what, FileContext context) {
        List<String> values = new ArrayList<>();
        if (!(node instanceof SequenceNode)) {
            context.error(node, what + " must be a list");
            return values;
        }
        for (Node item : ((SequenceNode) node).getValue()) {
            String value = scalar(item, what + " entry", context);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }
}
