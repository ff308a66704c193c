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
import io.trailwarden.rules.model.ContextField;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.model.ResponseSpec;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.rules.model.RuleTestCase;
import io.trailwarden.rules.model.Step;
import io.trailwarden.rules.model.TargetSpec;
import io.trailwarden.rules.model.Transform;
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
    public static final List<String> RULE_KEYS = List.of("id", "title", "description", "severity", "tactics",
            "mitre", "references", "falsePositives", "runbook", "detection", "context", "target", "response", "suppress",
            "untested", "tests");
    public static final List<String> DETECTION_KEYS = List.of("match", "threshold", "sequence");
    public static final List<String> MATCH_KEYS = List.of("where");
    public static final List<String> THRESHOLD_KEYS = List.of("where", "by", "within", "atLeast", "distinct");
    public static final List<String> SEQUENCE_KEYS = List.of("by", "within", "steps", "absent");
    public static final List<String> STEP_KEYS = List.of("name", "where", "capture");
    public static final List<String> ABSENT_KEYS = List.of("name", "where", "within");
    public static final List<String> RESPONSE_KEYS = List.of("contain", "reason");
    public static final List<String> CONTAIN_KEYS = List.of("userFromField", "userFromCapture", "actorOfStep");
    public static final List<String> TEST_KEYS = List.of("name", "expect", "target", "findings", "context", "events");
    public static final List<String> CORPUS_RECORD_KEYS = List.of("corpus", "set");
    public static final List<String> CONTEXT_KEYS = List.of("fields", "transform");
    public static final List<String> TARGET_KEYS = List.of("kind", "name", "arn");
    public static final List<String> SEVERITIES = List.of("informational", "low", "medium", "high", "critical");
    /**
     * The tactics of ATT&CK Enterprise (v19, which split Defense Evasion into Stealth and Defense
     * Impairment), by the short names ATT&CK and Sigma's {@code attack.*} tags use.
     */
    public static final List<String> TACTICS = List.of("reconnaissance", "resource-development", "initial-access",
            "execution", "persistence", "privilege-escalation", "stealth", "defense-impairment", "credential-access",
            "discovery", "lateral-movement", "collection", "command-and-control", "exfiltration", "impact");
    /** A response reason shorter than this says nothing a reader can weigh. */
    public static final int MIN_REASON_CHARS = 20;
    /** Alerts cut values at 256 characters by default; a reason stays whole within this. */
    public static final int MAX_REASON_CHARS = 250;
    public static final List<String> CONDITION_OPTION_KEYS = List.of("ignoreCase", "matchWhenListEmpty", "transform");
    public static final List<String> CONDITION_GROUP_KEYS = List.of("all", "any", "not");

    /** Operators that test the field as a whole (or a capture), not each of its values. */
    private static final Set<ConditionSpec.Operator> FIELD_TEST_OPERATORS = Set.of(ConditionSpec.Operator.EXISTS,
            ConditionSpec.Operator.EQUALS_CAPTURE, ConditionSpec.Operator.ANY_ELEMENT,
            ConditionSpec.Operator.ADMIN_EQUIVALENT);

    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern MITRE = Pattern.compile("T\\d{4}(\\.\\d{3})?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z][A-Za-z0-9 _-]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)\\}");
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
    /** The longest incident: a week of silence per key is already more than a responder would accept. */
    static final Duration MAX_SUPPRESSION = Duration.ofDays(7);
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
            if (SEVERITIES.contains(severity)) {
                rule.severity = Severity.parse(severity);
            } else {
                context.error(top.get("severity").getValueNode(), "severity must be one of "
                        + String.join(", ", SEVERITIES) + " (lower case), not '" + severity + "'"
                        + Suggestions.didYouMean(severity, SEVERITIES));
            }
        }
        rule.tactics = stringList(top, "tactics", root, context, true);
        for (int i = 0; i < rule.tactics.size(); i++) {
            String tactic = rule.tactics.get(i);
            Node node = ((SequenceNode) top.get("tactics").getValueNode()).getValue().get(i);
            if (!TACTICS.contains(tactic)) {
                context.error(node, "'" + tactic + "' is not an ATT&CK enterprise tactic (" + String.join(", ", TACTICS)
                        + ")" + (tactic.equalsIgnoreCase("defense-evasion")
                                ? "; ATT&CK v19 split defense-evasion into stealth and defense-impairment"
                                : Suggestions.didYouMean(tactic, TACTICS)));
            } else if (rule.tactics.indexOf(tactic) != i) {
                context.error(node, "tactic '" + tactic + "' is listed twice");
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
        NodeTuple contextNode = top.get("context");
        if (contextNode != null) {
            readContext(contextNode.getValueNode(), rule, context);
        }
        checkTitle(rule, top.get("title"), context);
        NodeTuple target = top.get("target");
        if (target != null) {
            readTarget(target.getValueNode(), rule, context);
        }
        NodeTuple response = top.get("response");
        if (response == null) {
            context.error(root, "missing required key 'response'");
        } else {
            readResponse(response.getValueNode(), rule, context);
        }
        NodeTuple suppress = top.get("suppress");
        if (suppress != null) {
            rule.suppress = suppression(suppress.getValueNode(), context);
        }
        NodeTuple untested = top.get("untested");
        if (untested != null) {
            rule.untested = scalar(untested.getValueNode(), "untested", context);
        }
        NodeTuple tests = top.get("tests");
        if (tests == null && untested == null) {
            context.error(root, "missing required key 'tests' (at least " + MIN_TESTS_EACH_WAY
                    + " cases expecting an alert and " + MIN_TESTS_EACH_WAY + " expecting none)");
        } else if (tests != null && untested != null) {
            context.error(untested.getKeyNode(), "'untested' says why a rule has no tests; this rule has tests:"
                    + " remove 'untested'");
        } else if (tests != null) {
            readTests(tests.getValueNode(), rule, context);
        }
        return rule;
    }

    /** The file name without its extension: the id the rule in it must have. */
    public static String baseName(String name) {
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
            rule.distinctFields = scalarOrList(distinct.getValueNode(), "distinct", context);
            if (rule.distinctFields.isEmpty()) {
                context.error(distinct.getValueNode(), "distinct needs at least one field");
            }
            for (String field : rule.distinctFields) {
                checkField(field, distinct.getValueNode(), context);
                if (CloudTrailFields.isObject(field)) {
                    context.error(distinct.getValueNode(), "distinct: '" + field + "' is an object in every record,"
                            + " so it has no values to count; name the field inside it that names the counted thing");
                }
            }
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
            if (conjunct.kind != ConditionSpec.Kind.FIELD || conjunct.ignoresCase()
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

    private Duration suppression(Node node, FileContext context) {
        String text = scalar(node, "suppress", context);
        Duration period = text == null ? null : Durations.parse(text);
        if (period == null || period.isNegative()) {
            context.error(node, "suppress must be a duration such as 0s, 15m or 1h, not '" + text + "'");
            return null;
        }
        if (period.compareTo(MAX_SUPPRESSION) > 0) {
            context.error(node, "suppress " + period + " exceeds " + MAX_SUPPRESSION.toDays() + " days: an incident"
                    + " that stays open longer hides a new attack by the same principal");
        }
        return period;
    }

    // ---- conditions ----

    /** One condition from YAML text, as a rule's {@code where} holds it; for tests of the condition language. */
    public ConditionSpec condition(String yaml, List<RuleError> errors) {
        FileContext context = new FileContext("condition", errors);
        Node node = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(yaml));
        return condition(node, context, Set.of(), true, false);
    }

    private ConditionSpec requiredCondition(Map<String, NodeTuple> fields, Node owner, FileContext context,
            Set<String> captures) {
        NodeTuple where = fields.get("where");
        if (where == null) {
            context.error(owner, "missing required key 'where' (the field conditions)");
            return null;
        }
        return condition(where.getValueNode(), context, captures, true, false);
    }

    /**
     * @param captures captures defined by earlier steps; {@code equalsCapture} may only use these
     * @param topLevel capture comparisons are allowed only among a step's top-level conjuncts, where the
     *     compiled pattern can check them as plain equalities
     */
    private ConditionSpec condition(Node node, FileContext context, Set<String> captures, boolean topLevel,
            boolean relative) {
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
                        ConditionSpec spec = condition(child, context, captures, topLevel && key.equals("all"),
                                relative);
                        if (spec != null) {
                            children.add(spec);
                        }
                    }
                    parts.add(ConditionSpec.group(key.equals("all") ? ConditionSpec.Kind.ALL : ConditionSpec.Kind.ANY,
                            line(entry.getKeyNode()), children));
                    break;
                case "not":
                    ConditionSpec negated = condition(value, context, captures, false, relative);
                    if (negated != null) {
                        parts.add(ConditionSpec.group(ConditionSpec.Kind.NOT, line(entry.getKeyNode()), List.of(negated)));
                    }
                    break;
                default:
                    String group = CONDITION_GROUP_KEYS.stream().filter(key::equalsIgnoreCase).findFirst().orElse(null);
                    if (group != null) {
                        context.error(entry.getKeyNode(), "unknown condition key '" + key + "' (did you mean '"
                                + group + "'?)");
                        continue;
                    }
                    fieldConditions(key, entry, context, captures, topLevel, relative, parts);
                    break;
            }
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return ConditionSpec.group(ConditionSpec.Kind.ALL, line(node), parts);
    }

    /**
     * @param relative the field path starts at the list element of an enclosing {@code anyElement}: any
     *     field names are accepted there (the element's shape is the service's)
     */
    private void fieldConditions(String field, NodeTuple entry, FileContext context, Set<String> captures,
            boolean topLevel, boolean relative, List<ConditionSpec> into) {
        Node keyNode = entry.getKeyNode();
        Node value = entry.getValueNode();
        if (relative) {
            String problem = CloudTrailFields.syntaxProblem(field);
            if (problem != null) {
                context.error(keyNode, problem);
            }
        } else {
            checkField(field, keyNode, context);
        }
        int line = line(keyNode);
        if (value instanceof ScalarNode) {
            ConditionSpec spec = ConditionSpec.field(field, ConditionSpec.Operator.EQUALS, List.of(scalarText(value)), line);
            spec.relative = relative;
            into.add(spec);
            return;
        }
        if (value instanceof SequenceNode) {
            ConditionSpec spec = ConditionSpec.field(field, ConditionSpec.Operator.ONE_OF, scalarList(value, field, context),
                    line);
            spec.relative = relative;
            into.add(spec);
            return;
        }
        ConditionSpec operators = fieldOperators(field, (MappingNode) value, context, captures, topLevel, relative);
        if (operators != null) {
            into.add(operators);
        }
    }

    /**
     * The operators of one field, from {@code {op: operand, ...}}; several operators must hold for one and
     * the same value of the field (a SAME_VALUE group). Also reads context filters, where {@code field}
     * is the context's first field.
     */
    private ConditionSpec fieldOperators(String field, MappingNode value, FileContext context, Set<String> captures,
            boolean topLevel, boolean relative) {
        int line = line(value);
        Map<String, NodeTuple> operators = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) value).getValue()) {
            String name = scalar(tuple.getKeyNode(), "operator", context);
            if (name != null) {
                operators.put(name, tuple);
            }
        }
        boolean ignoreCase = flag(operators.remove("ignoreCase"), context);
        boolean matchWhenListEmpty = flag(operators.remove("matchWhenListEmpty"), context);
        Transform transform = transform(operators.remove("transform"), context);
        if (operators.isEmpty()) {
            context.error(value, "no operator for '" + field + "' (one of " + operatorNames() + ")");
            return null;
        }
        List<ConditionSpec> specs = new ArrayList<>();
        for (Map.Entry<String, NodeTuple> operatorEntry : operators.entrySet()) {
            ConditionSpec.Operator operator = ConditionSpec.Operator.fromYaml(operatorEntry.getKey());
            Node operand = operatorEntry.getValue().getValueNode();
            int operatorLine = line(operatorEntry.getValue().getKeyNode());
            if (operator == null) {
                List<String> known = new ArrayList<>(CONDITION_OPTION_KEYS);
                Stream.of(ConditionSpec.Operator.values()).forEach(o -> known.add(o.yamlName));
                String suggestion = Suggestions.didYouMean(operatorEntry.getKey(), known);
                context.error(operatorLine, "unknown key '" + operatorEntry.getKey() + "' in the condition on '" + field
                        + "'" + (suggestion.isEmpty() ? " (operators: " + operatorNames() + "; options: "
                                + String.join(", ", CONDITION_OPTION_KEYS) + ")" : suggestion));
                continue;
            }
            if (operator == ConditionSpec.Operator.ANY_ELEMENT) {
                if (operators.size() > 1 || transform != Transform.NONE || ignoreCase) {
                    context.error(operatorLine, "anyElement stands alone on its field: its conditions go inside it");
                    continue;
                }
                ConditionSpec inner = condition(operand, context, Set.of(), false, true);
                if (inner != null) {
                    ConditionSpec spec = ConditionSpec.field(field, operator, new ArrayList<>(), operatorLine);
                    spec.relative = relative;
                    spec.children = List.of(inner);
                    specs.add(spec);
                }
                continue;
            }
            ConditionSpec spec = ConditionSpec.field(field, operator, scalarOrList(operand, operator.yamlName, context),
                    operatorLine);
            spec.ignoreCase = ignoreCase;
            spec.matchWhenListEmpty = matchWhenListEmpty;
            spec.transform = transform;
            spec.relative = relative;
            if (checkOperand(spec, operand, context, captures, topLevel)) {
                specs.add(spec);
            }
        }
        if (specs.size() <= 1) {
            return specs.isEmpty() ? null : specs.get(0);
        }
        for (ConditionSpec spec : specs) {
            if (FIELD_TEST_OPERATORS.contains(spec.operator)) {
                context.error(spec.line, spec.operator.yamlName + " tests the field, not each value: it cannot share"
                        + " a field with other operators (write the field twice under all)");
                return null;
            }
        }
        ConditionSpec group = ConditionSpec.group(ConditionSpec.Kind.SAME_VALUE, line, specs);
        group.field = field;
        group.relative = relative;
        return group;
    }

    private static Transform transform(NodeTuple tuple, FileContext context) {
        if (tuple == null) {
            return Transform.NONE;
        }
        String name = scalar(tuple.getValueNode(), "transform", context);
        Transform transform = name == null ? null : Transform.fromYaml(name);
        if (transform == null) {
            List<String> names = Stream.of(Transform.values()).filter(t -> t != Transform.NONE).map(t -> t.yamlName)
                    .collect(Collectors.toList());
            context.error(tuple.getValueNode(), "unknown transform '" + name + "' (one of " + String.join(", ", names)
                    + ")" + (name == null ? "" : Suggestions.didYouMean(name, names)));
            return Transform.NONE;
        }
        return transform;
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
                        context.error(operand, "bad regex " + regex + " : " + e.getDescription()
                                + (e.getIndex() < 0 ? "" : " at position " + e.getIndex() + " (counted from 0, in the"
                                        + " pattern as YAML reads it)"));
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
            case NOT_IN_LIST:
                if (!single) {
                    context.error(operand, spec.operator.yamlName + " takes one list name");
                } else if (!listNames.contains(spec.values.get(0))) {
                    context.error(operand, "unknown named list '" + spec.values.get(0) + "' (configured in"
                            + " TrailWarden.Lists: " + String.join(", ", new java.util.TreeSet<>(listNames)) + ")");
                }
                break;
            case ADMIN_EQUIVALENT:
                if (!single || !List.of(ConditionSpec.ADMIN_POLICY, ConditionSpec.ADMIN_GROUP).contains(spec.values.get(0))) {
                    context.error(operand, "adminEquivalent takes what the field holds: policy (a policy document or a"
                            + " managed policy ARN) or group (a group name or ARN)");
                } else if (spec.transform != Transform.NONE) {
                    context.error(operand, "adminEquivalent reads the policy or group itself; a transform does not apply");
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

    // ---- context and target ----

    /**
     * {@code context: {LABEL: PATH | [PATH, ...] | {fields: PATH | [...], transform: T, OPERATOR: ...}}}:
     * the values a finding carries under each label; operators keep only the values that satisfy them.
     */
    private void readContext(Node node, Rule rule, FileContext context) {
        if (!(node instanceof MappingNode)) {
            context.error(node, "context maps labels to field paths: {role: requestParameters.roleName}");
            return;
        }
        Set<String> labels = new HashSet<>();
        for (NodeTuple entry : ((MappingNode) node).getValue()) {
            String label = scalar(entry.getKeyNode(), "context label", context);
            if (label == null) {
                continue;
            }
            if (!LABEL.matcher(label).matches()) {
                context.error(entry.getKeyNode(), "context label '" + label + "' must start with a letter and hold only"
                        + " letters, digits, spaces, '-' and '_'");
            }
            if (!labels.add(label)) {
                context.error(entry.getKeyNode(), "duplicate context label '" + label + "'");
            }
            ContextField field = new ContextField();
            field.label = label;
            field.line = line(entry.getKeyNode());
            Node value = entry.getValueNode();
            if (value instanceof MappingNode) {
                Map<String, NodeTuple> options = new LinkedHashMap<>();
                List<NodeTuple> operators = new ArrayList<>();
                for (NodeTuple tuple : ((MappingNode) value).getValue()) {
                    String key = scalar(tuple.getKeyNode(), "context key", context);
                    if (CONTEXT_KEYS.contains(key)) {
                        options.put(key, tuple);
                    } else if (key != null) {
                        operators.add(tuple);
                    }
                }
                NodeTuple fields = options.get("fields");
                if (fields == null) {
                    context.error(value, "context '" + label + "' needs 'fields': the paths whose values it carries");
                    continue;
                }
                field.fields = scalarOrList(fields.getValueNode(), "fields", context);
                field.transform = transform(options.get("transform"), context);
                if (!operators.isEmpty() && !field.fields.isEmpty()) {
                    List<NodeTuple> filterEntries = new ArrayList<>(operators);
                    if (options.containsKey("transform")) {
                        filterEntries.add(options.get("transform"));
                    }
                    MappingNode filter = new MappingNode(Tag.MAP, true, filterEntries, value.getStartMark(),
                            value.getEndMark(), ((MappingNode) value).getFlowStyle());
                    field.filter = fieldOperators(field.fields.get(0), filter, context, Set.of(), false, false);
                    if (field.filter != null && field.filter.kind == ConditionSpec.Kind.FIELD
                            && FIELD_TEST_OPERATORS.contains(field.filter.operator)) {
                        context.error(value, "context '" + label + "' keeps values that pass value tests; "
                                + field.filter.operator.yamlName + " tests the field, not each value");
                        field.filter = null;
                    }
                }
            } else {
                field.fields = scalarOrList(value, "context fields", context);
            }
            for (String path : field.fields) {
                checkField(path, value, context);
            }
            rule.context.add(field);
        }
    }

    /** Every {placeholder} of the title names a context label. */
    private static void checkTitle(Rule rule, NodeTuple title, FileContext context) {
        if (rule.title == null) {
            return;
        }
        Set<String> labels = rule.context.stream().map(field -> field.label).collect(Collectors.toSet());
        java.util.regex.Matcher placeholder = PLACEHOLDER.matcher(rule.title);
        while (placeholder.find()) {
            if (!labels.contains(placeholder.group(1))) {
                context.error(title.getValueNode(), "title placeholder {" + placeholder.group(1) + "} names no context"
                        + " label (labels: " + String.join(", ", new java.util.TreeSet<>(labels)) + ")"
                        + Suggestions.didYouMean(placeholder.group(1), labels));
            }
        }
    }

    /** {@code target: actor | {kind: user|role|resource, name: PATH, arn: PATH}}. */
    private void readTarget(Node node, Rule rule, FileContext context) {
        TargetSpec target = new TargetSpec();
        if (node instanceof ScalarNode && "actor".equals(scalarText(node))) {
            target.kind = TargetSpec.Kind.ACTOR;
            rule.target = target;
            return;
        }
        if (!(node instanceof MappingNode)) {
            context.error(node, "target is actor or {kind: user | role | resource, name: PATH, arn: PATH}");
            return;
        }
        Map<String, NodeTuple> fields = mapping((MappingNode) node, TARGET_KEYS, "target", context);
        String kind = requiredString(fields, "kind", node, context);
        for (TargetSpec.Kind candidate : TargetSpec.Kind.values()) {
            if (candidate.yamlName.equals(kind) && candidate != TargetSpec.Kind.ACTOR) {
                target.kind = candidate;
            }
        }
        if (kind != null && target.kind == null) {
            context.error(fields.get("kind").getValueNode(), "target kind must be user, role or resource, not '" + kind
                    + "' (for the acting identity write target: actor)");
        }
        if (fields.containsKey("name")) {
            target.name = scalar(fields.get("name").getValueNode(), "name", context);
            checkField(target.name, fields.get("name").getValueNode(), context);
        }
        if (fields.containsKey("arn")) {
            target.arn = scalar(fields.get("arn").getValueNode(), "arn", context);
            checkField(target.arn, fields.get("arn").getValueNode(), context);
        }
        if (target.name == null && target.arn == null) {
            context.error(node, "target needs 'name' or 'arn' (field paths)");
        }
        rule.target = target;
    }

    // ---- response and tests ----

    private void readResponse(Node node, Rule rule, FileContext context) {
        if (!(node instanceof MappingNode)) {
            context.error(node, "response must be a mapping: {contain: actor | none | {userFromField: PATH} |"
                    + " {userFromCapture: NAME} | {actorOfStep: STEP}}");
            return;
        }
        Map<String, NodeTuple> response = mapping((MappingNode) node, RESPONSE_KEYS, "response", context);
        readReason(response, node, rule, context);
        NodeTuple contain = response.get("contain");
        if (contain == null) {
            context.error(node, "missing required key 'contain' (actor, none, {userFromField: ...}, {userFromCapture: ...} or {actorOfStep: ...})");
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
                context.error(value, "contain must be actor, none, {userFromField: PATH}, {userFromCapture: NAME} or {actorOfStep: STEP},"
                        + " not '" + text + "'");
            }
            return;
        }
        if (!(value instanceof MappingNode)) {
            context.error(value, "contain must be actor, none, {userFromField: PATH}, {userFromCapture: NAME} or {actorOfStep: STEP}");
            return;
        }
        Map<String, NodeTuple> target = mapping((MappingNode) value, CONTAIN_KEYS, "contain", context);
        if (target.size() != 1) {
            context.error(value, "contain needs exactly one of userFromField, userFromCapture, actorOfStep");
            return;
        }
        Map.Entry<String, NodeTuple> only = target.entrySet().iterator().next();
        String reference = scalar(only.getValue().getValueNode(), only.getKey(), context);
        rule.response.reference = reference;
        if ("userFromField".equals(only.getKey())) {
            rule.response.contain = ResponseSpec.Contain.USER_FROM_FIELD;
            checkField(reference, only.getValue().getValueNode(), context);
        } else if ("actorOfStep".equals(only.getKey())) {
            rule.response.contain = ResponseSpec.Contain.ACTOR_OF_STEP;
            if (rule.positiveSteps().size() < 2 || rule.positiveSteps().stream().noneMatch(step -> step.name.equals(reference))) {
                context.error(only.getValue().getValueNode(), "actorOfStep names step '" + reference
                        + "', which is not a step of this rule's sequence");
            }
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

    private static void readReason(Map<String, NodeTuple> response, Node node, Rule rule, FileContext context) {
        if (!response.containsKey("reason")) {
            context.error(node, "missing required key 'reason': say why the rule contains or only alerts (what a"
                    + " containment on a false positive breaks, what the attacker gains before a human acts)");
            return;
        }
        String reason = requiredString(response, "reason", node, context);
        int length = reason == null ? 0 : reason.strip().length();
        if (reason != null && (length < MIN_REASON_CHARS || length > MAX_REASON_CHARS)) {
            context.error(response.get("reason").getValueNode(), "reason is " + length + " characters; write "
                    + MIN_REASON_CHARS + " to " + MAX_REASON_CHARS + " (alerts carry it whole): why contain, or why alert only");
            return;
        }
        rule.response.reason = reason == null ? null : reason.strip();
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
            NodeTuple findings = fields.get("findings");
            if (findings != null) {
                String text = scalar(findings.getValueNode(), "findings", context);
                try {
                    test.expectFindings = text == null ? null : Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    context.error(findings.getValueNode(), "findings must be a whole number, not '" + text + "'");
                }
                if (test.expectFindings != null && (test.expectFindings < 0
                        || (test.expectFindings > 0) != test.expectAlert)) {
                    context.error(findings.getValueNode(), "findings: " + test.expectFindings + " contradicts expect: "
                            + expect);
                }
            }
            NodeTuple expectedContext = fields.get("context");
            if (expectedContext != null) {
                readExpectedContext(expectedContext.getValueNode(), rule, test, context);
            }
            NodeTuple events = fields.get("events");
            if (events == null || !(events.getValueNode() instanceof SequenceNode)
                    || ((SequenceNode) events.getValueNode()).getValue().isEmpty()) {
                context.error(events == null ? caseNode : events.getValueNode(),
                        "a test needs 'events': a non-empty list of CloudTrail records (any input shape)"
                                + " or {corpus: EVENT_ID, set: {PATH: VALUE}}");
            } else {
                for (Node event : ((SequenceNode) events.getValueNode()).getValue()) {
                    if (event instanceof MappingNode && isCorpusReference((MappingNode) event)) {
                        readCorpusRecord((MappingNode) event, test, context);
                    } else {
                        test.inputs.add(event instanceof ScalarNode ? ((ScalarNode) event).getValue()
                                : EventJson.MAPPER.valueToTree(toJson(event)).toString());
                    }
                }
            }
            rule.tests.add(test);
        }
        if (alerts < MIN_TESTS_EACH_WAY || nones < MIN_TESTS_EACH_WAY) {
            context.error(node, "rule needs at least " + MIN_TESTS_EACH_WAY + " tests expecting an alert and "
                    + MIN_TESTS_EACH_WAY + " expecting none (has " + alerts + " and " + nones + ")");
        }
    }

    private static boolean isCorpusReference(MappingNode event) {
        return event.getValue().stream().anyMatch(tuple -> tuple.getKeyNode() instanceof ScalarNode
                && "corpus".equals(scalarText(tuple.getKeyNode())));
    }

    /** {@code {corpus: EVENT_ID, set: {PATH: VALUE, ...}}}: a corpus record with fields replaced. */
    private static void readCorpusRecord(MappingNode event, RuleTestCase test, FileContext context) {
        Map<String, NodeTuple> fields = mapping(event, CORPUS_RECORD_KEYS, "corpus record", context);
        RuleTestCase.CorpusRecord record = new RuleTestCase.CorpusRecord();
        record.line = line(event);
        record.eventId = requiredString(fields, "corpus", event, context);
        NodeTuple set = fields.get("set");
        if (set != null) {
            if (!(set.getValueNode() instanceof MappingNode)) {
                context.error(set.getValueNode(), "set maps field paths to values: {requestParameters.roleName: x}");
            } else {
                for (NodeTuple entry : ((MappingNode) set.getValueNode()).getValue()) {
                    String path = scalar(entry.getKeyNode(), "set path", context);
                    if (path == null) {
                        continue;
                    }
                    String problem = CloudTrailFields.problemWith(path);
                    if (problem != null) {
                        context.error(entry.getKeyNode(), problem);
                    }
                    record.set.put(path, toJson(entry.getValueNode()).toString());
                }
            }
        }
        test.corpusRecords.add(record);
    }

    /** {@code context: {LABEL: VALUE | [VALUE, ...]}}: what some finding of the case must carry. */
    private static void readExpectedContext(Node node, Rule rule, RuleTestCase test, FileContext context) {
        if (!(node instanceof MappingNode)) {
            context.error(node, "a test's context maps context labels to the values expected under them");
            return;
        }
        Set<String> labels = rule.context.stream().map(field -> field.label).collect(Collectors.toSet());
        for (NodeTuple entry : ((MappingNode) node).getValue()) {
            String label = scalar(entry.getKeyNode(), "context label", context);
            if (label == null) {
                continue;
            }
            if (!labels.contains(label)) {
                context.error(entry.getKeyNode(), "the rule has no context label '" + label + "'"
                        + Suggestions.didYouMean(label, labels));
            }
            test.expectContext.put(label, scalarOrList(entry.getValueNode(), label, context));
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
                    String suggestion = Suggestions.didYouMean(key, allowed);
                    context.error(tuple.getKeyNode(), "unknown key '" + key + "' in " + what + (suggestion.isEmpty()
                            ? " (allowed: " + String.join(", ", allowed) + ")" : suggestion));
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
