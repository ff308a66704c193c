package io.trailwarden.rules.sigma;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.ParseResult;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.source.RawInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Converts Sigma rules for {@code product: aws, service: cloudtrail} into TrailWarden rule files,
 * written from the Sigma specification (rules, modifiers, conditions and correlation rules). Each
 * converted rule keeps the Sigma id, title, author, date, references, level, tags and false positives,
 * and the Detection Rule License attribution; it is alert-only unless {@code contain} says otherwise.
 *
 * <p>Each converted rule carries generated tests: records built from its own search identifiers (one
 * as written, one with every case-insensitive value upper-cased) that must fire, and records built
 * from its filters, or with a selection broken, that must not. A record is kept only after the real
 * compiled rule gives the expected verdict on it; a Sigma rule for which no such record can be built
 * is reported, not written, because the catalogue refuses rules without tests.
 */
public final class SigmaConverter {
    static final String LICENSE = "Detection Rule License (DRL) 1.1, https://github.com/SigmaHQ/Detection-Rule-License";
    private static final Pattern TIMESPAN = Pattern.compile("(\\d+)([smhdw])");
    private static final int MAX_IDENTIFIERS = 12;
    /** Why a converted rule has no tests; the catalogue accepts it, marked, instead of losing the detection. */
    static final String NO_TESTS = "converted from Sigma; no test record could be built that the rule provably fires on"
            + " and one it provably does not (see the rule's selections)";

    private final Map<String, List<String>> lists;
    private final RuleLoader loader;
    private final String contain;
    private final CloudTrailParser parser = new CloudTrailParser();

    /** {@code contain}: {@code none} (alert only, the default) or {@code actor}. */
    public SigmaConverter(Map<String, List<String>> lists, RuleLoader loader, String contain) {
        this.lists = lists;
        this.loader = loader;
        this.contain = contain;
    }

    /** Whether a file beside the rules is a Sigma rule (a document with a logsource or a correlation). */
    public static boolean isSigma(String text) {
        try {
            LoaderOptions options = new LoaderOptions();
            for (Object document : new Yaml(new SafeConstructor(options)).loadAll(text)) {
                if (document instanceof Map && (((Map<?, ?>) document).containsKey("logsource")
                        || ((Map<?, ?>) document).containsKey("correlation"))) {
                    return true;
                }
            }
        } catch (YAMLException e) {
            return false;
        }
        return false;
    }

    /** Every rule of one Sigma file (several YAML documents for correlations), converted or refused. */
    public List<SigmaConversion> convert(String fileName, String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        List<SigmaConversion> results = new ArrayList<>();
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            for (Object document : new Yaml(new SafeConstructor(options)).loadAll(text)) {
                if (document instanceof Map) {
                    documents.add(stringKeys((Map<?, ?>) document));
                } else if (document != null) {
                    results.add(SigmaConversion.refused(fileName, null, "a Sigma rule is a YAML mapping"));
                }
            }
        } catch (YAMLException e) {
            results.add(SigmaConversion.refused(fileName, null, "not valid YAML: " + firstLine(e.getMessage())));
            return results;
        }
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        List<String> referenced = new ArrayList<>();
        for (Map<String, Object> document : documents) {
            for (String key : List.of("name", "id")) {
                if (document.get(key) instanceof String) {
                    byName.put((String) document.get(key), document);
                }
            }
            if (document.get("correlation") instanceof Map && !Boolean.TRUE.equals(((Map<?, ?>) document.get("correlation")).get("generate"))) {
                Object rules = ((Map<?, ?>) document.get("correlation")).get("rules");
                if (rules instanceof List) {
                    ((List<?>) rules).forEach(rule -> referenced.add(String.valueOf(rule)));
                }
            }
        }
        for (int i = 0; i < documents.size(); i++) {
            Map<String, Object> document = documents.get(i);
            String source = documents.size() == 1 ? fileName : fileName + "#" + (i + 1);
            boolean onlyPartOfACorrelation = referenced.contains(String.valueOf(document.get("name")))
                    || referenced.contains(String.valueOf(document.get("id")));
            if (document.containsKey("detection") && onlyPartOfACorrelation && !document.containsKey("correlation")) {
                continue;
            }
            String title = document.get("title") instanceof String ? (String) document.get("title") : null;
            try {
                results.add(convertOne(source, fileName, documents.size() == 1, document, byName));
            } catch (SigmaException e) {
                results.add(SigmaConversion.refused(source, title, e.getMessage()));
            }
        }
        return results;
    }

    private SigmaConversion convertOne(String source, String fileName, boolean alone, Map<String, Object> sigma,
            Map<String, Map<String, Object>> byName) throws SigmaException {
        String title = requireText(sigma, "title");
        Map<String, Object> rule = new LinkedHashMap<>();
        String ruleId = ruleId(fileName, alone, sigma);
        rule.put("id", ruleId);
        // TrailWarden titles read {label} as a context placeholder; a Sigma title's braces are only text.
        rule.put("title", title.replace('{', '(').replace('}', ')'));
        rule.put("description", description(sigma));
        rule.put("severity", severity(sigma));
        List<String> mitre = new ArrayList<>();
        for (String tag : strings(sigma.get("tags"))) {
            if (tag.toLowerCase(Locale.ROOT).matches("attack\\.t\\d{4}(\\.\\d{3})?")) {
                mitre.add(tag.substring("attack.".length()).toUpperCase(Locale.ROOT));
            }
        }
        if (mitre.isEmpty()) {
            throw new SigmaException("no ATT&CK technique tag (attack.tNNNN): every TrailWarden rule names its"
                    + " technique; add the tag to the Sigma rule");
        }
        rule.put("tactics", tactics(sigma));
        rule.put("mitre", mitre);
        List<String> references = strings(sigma.get("references"));
        rule.put("references", references.isEmpty() ? List.of("sigma rule id " + sigma.getOrDefault("id", "(none)"))
                : references);
        List<String> falsePositives = strings(sigma.get("falsepositives"));
        rule.put("falsePositives", falsePositives.isEmpty() ? List.of("None listed in the Sigma rule") : falsePositives);
        rule.put("runbook", "Converted from Sigma: read the Sigma rule's description and references.");
        Detection detection;
        if (sigma.get("correlation") != null) {
            detection = correlation(sigma, byName);
        } else {
            detection = detection(sigma);
        }
        rule.put("detection", detection.yaml);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("contain", contain);
        response.put("reason", "none".equals(contain)
                ? "Alert only: converted Sigma rules are alert-only until someone weighs their false positives against"
                        + " a quarantine (import with --contain actor to contain)."
                : "Imported with --contain " + contain + ": whoever imported it judged a match worth quarantining the caller.");
        rule.put("response", response);
        String header = attribution(sigma, source);
        String body = dump(rule);
        List<String> tests = detection.tests(this, ruleId, header + body);
        String text = header + body + (tests.isEmpty() ? "untested: " + quoted(NO_TESTS) + "\n"
                : "tests:\n" + String.join("", tests));
        List<RuleError> errors = new ArrayList<>();
        loader.load(List.of(new RuleLoader.Source(ruleId + ".yaml", text)), errors);
        if (!errors.isEmpty()) {
            throw new SigmaException("the converted rule is not valid: " + errors.get(0).message);
        }
        return SigmaConversion.converted(source, title, ruleId, text, tests.isEmpty());
    }

    // ---- detection ----

    /** A converted detection: its YAML and how to build its tests. */
    abstract static class Detection {
        final Map<String, Object> yaml;

        Detection(Map<String, Object> yaml) {
            this.yaml = yaml;
        }

        /** The generated test cases, YAML text each; empty when none could be verified. */
        abstract List<String> tests(SigmaConverter converter, String ruleId, String ruleWithoutTests) throws SigmaException;
    }

    private Detection detection(Map<String, Object> sigma) throws SigmaException {
        Map<String, Object> logsource = map(sigma.get("logsource"), "logsource");
        if (!"aws".equalsIgnoreCase(String.valueOf(logsource.get("product")))
                || !"cloudtrail".equalsIgnoreCase(String.valueOf(logsource.get("service")))) {
            throw new SigmaException("logsource is not product: aws, service: cloudtrail (" + logsource + ")");
        }
        SigmaSearch search = SigmaSearch.of(map(sigma.get("detection"), "detection"));
        if (search.identifiers.size() > MAX_IDENTIFIERS) {
            throw new SigmaException("more than " + MAX_IDENTIFIERS + " search identifiers");
        }
        Map<String, Object> where = asMapping(search.condition());
        return new MatchDetection(Map.of("match", Map.of("where", where)), search);
    }

    private static Map<String, Object> asMapping(Object condition) {
        @SuppressWarnings("unchecked")
        Map<String, Object> mapping = (Map<String, Object>) condition;
        return mapping;
    }

    private static final class MatchDetection extends Detection {
        final SigmaSearch search;

        MatchDetection(Map<String, Object> yaml, SigmaSearch search) {
            super(yaml);
            this.search = search;
        }

        @Override
        List<String> tests(SigmaConverter converter, String ruleId, String ruleWithoutTests) throws SigmaException {
            CompiledRule compiled = converter.compileWithPlaceholderTests(ruleId, ruleWithoutTests);
            List<String> alerts = new ArrayList<>();
            List<String> nones = new ArrayList<>();
            int serial = 0;
            for (SigmaSearch.Example example : search.examples()) {
                ObjectNode record = example.record(++serial);
                Boolean fires = converter.fires(compiled, record);
                if (fires != null && fires == example.expectMatch) {
                    List<String> into = fires ? alerts : nones;
                    if (into.size() < 3 && into.stream().noneMatch(t -> t.contains("# " + example.name + "\n"))) {
                        into.add(testCase(example.name, fires, record));
                    }
                }
            }
            if (alerts.size() < 2 || nones.size() < 2) {
                return List.of();
            }
            List<String> all = new ArrayList<>(alerts);
            all.addAll(nones);
            return all;
        }
    }

    static String testCase(String name, boolean alert, ObjectNode record) {
        return "  - name: " + quoted(name + " (generated)") + "\n"
                + "    expect: " + (alert ? "alert" : "none") + "\n"
                + "    # " + name + "\n"
                + "    events:\n      - " + record.toString() + "\n";
    }

    private static String quoted(String text) {
        try {
            return io.trailwarden.event.EventJson.MAPPER.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    CompiledRule compileWithPlaceholderTests(String ruleId, String ruleWithoutTests) throws SigmaException {
        String placeholder = SigmaRecords.base(0).toString();
        StringBuilder text = new StringBuilder(ruleWithoutTests).append("tests:\n");
        for (int i = 0; i < 4; i++) {
            text.append("  - name: placeholder ").append(i).append("\n    expect: ").append(i < 2 ? "alert" : "none")
                    .append("\n    events:\n      - ").append(placeholder).append('\n');
        }
        List<RuleError> errors = new ArrayList<>();
        List<Rule> rules = loader.load(List.of(new RuleLoader.Source(ruleId + ".yaml", text.toString())), errors);
        if (rules.isEmpty()) {
            throw new SigmaException("the converted rule is not valid: " + errors.get(0).message);
        }
        return new RuleCompiler(lists).compile(rules.get(0));
    }

    /** Whether the rule fires on the record; null when the record is not one the parser accepts. */
    Boolean fires(CompiledRule rule, ObjectNode record) {
        ParseResult parsed = parser.parseAll(RawInput.of("generated", record.toString()));
        if (!parsed.deadLetters.isEmpty() || parsed.events.size() != 1) {
            return null;
        }
        return rule.matchesSingle(parsed.events.get(0));
    }

    // ---- correlations ----

    private Detection correlation(Map<String, Object> sigma, Map<String, Map<String, Object>> byName) throws SigmaException {
        Map<String, Object> correlation = map(sigma.get("correlation"), "correlation");
        String type = String.valueOf(correlation.get("type"));
        List<String> ruleNames = strings(correlation.get("rules"));
        if (ruleNames.isEmpty()) {
            throw new SigmaException("correlation names no rules");
        }
        if (correlation.get("aliases") != null) {
            throw new SigmaException("correlation field aliases are not converted (one field per key for now)");
        }
        List<SigmaSearch> searches = new ArrayList<>();
        for (String name : ruleNames) {
            Map<String, Object> referenced = byName.get(name);
            if (referenced == null || referenced.get("detection") == null) {
                throw new SigmaException("correlation refers to rule '" + name + "', which is not in the same file");
            }
            detection(referenced);
            searches.add(SigmaSearch.of(map(referenced.get("detection"), "detection")));
        }
        List<String> groupBy = strings(correlation.get("group-by"));
        List<String> by = groupBy.isEmpty() ? List.of("recipientAccountId") : groupBy;
        String within = timespan(String.valueOf(correlation.get("timespan")));
        Map<String, Object> yaml = new LinkedHashMap<>();
        switch (type) {
            case "event_count":
            case "value_count": {
                Map<String, Object> condition = map(correlation.get("condition"), "correlation condition");
                int atLeast = atLeast(condition);
                Map<String, Object> threshold = new LinkedHashMap<>();
                threshold.put("where", searches.size() == 1 ? searches.get(0).condition()
                        : Map.of("any", searches.stream().map(SigmaSearch::condition).toArray()));
                threshold.put("by", by);
                threshold.put("within", within);
                threshold.put("atLeast", atLeast);
                if (type.equals("value_count")) {
                    Object field = condition.get("field");
                    if (!(field instanceof String)) {
                        throw new SigmaException("value_count needs condition.field");
                    }
                    threshold.put("distinct", field);
                }
                yaml.put("threshold", threshold);
                return new CorrelationDetection(yaml, searches, type, atLeast, (String) threshold.get("distinct"),
                        seconds(within));
            }
            case "temporal_ordered": {
                Map<String, Object> sequence = new LinkedHashMap<>();
                sequence.put("by", by);
                sequence.put("within", within);
                List<Object> steps = new ArrayList<>();
                for (int i = 0; i < searches.size(); i++) {
                    steps.add(Map.of("name", "step-" + (i + 1) + "-" + slug(ruleNames.get(i)), "where", searches.get(i).condition()));
                }
                sequence.put("steps", steps);
                yaml.put("sequence", sequence);
                return new CorrelationDetection(yaml, searches, type, searches.size(), null, seconds(within));
            }
            default:
                throw new SigmaException("correlation type '" + type + "' is not converted (event_count, value_count"
                        + " and temporal_ordered are; unordered temporal has no TrailWarden form)");
        }
    }

    /**
     * Tests for a correlation, built from the first record each referenced rule's own selection
     * matches: enough records (or distinct values) within the timespan to fire, one fewer, the same
     * spread wider than the timespan; for temporal_ordered the steps in order and reversed. They are
     * not verified here (that needs event time); {@code rules test} runs them.
     */
    private static final class CorrelationDetection extends Detection {
        final List<SigmaSearch> searches;
        final String type;
        final int atLeast;
        final String distinct;
        final long withinSeconds;

        CorrelationDetection(Map<String, Object> yaml, List<SigmaSearch> searches, String type, int atLeast,
                String distinct, long withinSeconds) {
            super(yaml);
            this.searches = searches;
            this.type = type;
            this.atLeast = atLeast;
            this.distinct = distinct;
            this.withinSeconds = withinSeconds;
        }

        @Override
        List<String> tests(SigmaConverter converter, String ruleId, String ruleWithoutTests) {
            List<ObjectNode> seeds = new ArrayList<>();
            for (SigmaSearch search : searches) {
                SigmaSearch.Example first = search.examples().stream().filter(e -> e.expectMatch).findFirst().orElse(null);
                if (first == null) {
                    return List.of();
                }
                seeds.add(first.record(0));
            }
            StringBuilder alert = new StringBuilder();
            StringBuilder fewer = new StringBuilder();
            StringBuilder spread = new StringBuilder();
            StringBuilder reversed = new StringBuilder();
            if (type.equals("temporal_ordered")) {
                for (int i = 0; i < seeds.size(); i++) {
                    alert.append(event(seeds.get(i), i + 1, i, null));
                    reversed.append(event(seeds.get(seeds.size() - 1 - i), i + 1, i, null));
                    spread.append(event(seeds.get(i), i + 1, i * (withinSeconds + 1), null));
                    if (i < seeds.size() - 1) {
                        fewer.append(event(seeds.get(i), i + 1, i, null));
                    }
                }
            } else {
                long gap = Math.max(1, (withinSeconds - 1) / Math.max(1, atLeast));
                for (int i = 0; i < atLeast; i++) {
                    alert.append(event(seeds.get(i % seeds.size()), i + 1, i * gap, distinct == null ? null : "value-" + i));
                    if (i < atLeast - 1) {
                        fewer.append(event(seeds.get(i % seeds.size()), i + 1, i * gap, distinct == null ? null : "value-" + i));
                    }
                    spread.append(event(seeds.get(i % seeds.size()), i + 1, i * (withinSeconds + 1),
                            distinct == null ? null : "value-" + i));
                    reversed.append(event(seeds.get(i % seeds.size()), i + 1, i * gap, distinct == null ? null : "same-value"));
                }
            }
            List<String> tests = new ArrayList<>();
            tests.add(correlationCase("correlation fires on its rules' records within the timespan", true, alert));
            tests.add(correlationCase("correlation fires on the same records in the same second", true,
                    sameSecond(alert)));
            if (fewer.length() > 0) {
                tests.add(correlationCase("one record short of the condition", false, fewer));
            }
            tests.add(correlationCase("the records spread wider than the timespan", false, spread));
            if (type.equals("temporal_ordered") || distinct != null) {
                tests.add(correlationCase(type.equals("temporal_ordered") ? "the steps in reverse order"
                        : "one value repeated", false, reversed));
            }
            return tests;
        }

        private String sameSecond(StringBuilder events) {
            return events.toString().replaceAll("\"eventTime\":\"[^\"]*\"", "\"eventTime\":\"2026-01-01T00:00:00Z\"");
        }

        private String event(ObjectNode seed, int serial, long offsetSeconds, String distinctValue) {
            ObjectNode record = seed.deepCopy();
            record.put("eventID", String.format(Locale.ROOT, "00000000-0000-4000-8000-%012d", serial));
            record.put("eventTime", java.time.Instant.parse("2026-01-01T00:00:00Z").plusSeconds(offsetSeconds).toString());
            if (distinctValue != null) {
                SigmaRecords.put(record, distinct, distinctValue);
            }
            return "      - " + record + "\n";
        }

        private static String correlationCase(String name, boolean alert, CharSequence events) {
            return "  - name: " + quoted(name + " (generated)") + "\n    expect: " + (alert ? "alert" : "none")
                    + "\n    events:\n" + events;
        }
    }

    private static int atLeast(Map<String, Object> condition) throws SigmaException {
        for (String refused : List.of("lt", "lte", "eq", "neq")) {
            if (condition.containsKey(refused)) {
                throw new SigmaException("correlation condition '" + refused + "' is not converted: TrailWarden"
                        + " thresholds fire when a count reaches a minimum");
            }
        }
        Object gte = condition.get("gte");
        Object gt = condition.get("gt");
        if (gte instanceof Integer) {
            return (Integer) gte;
        }
        if (gt instanceof Integer) {
            return (Integer) gt + 1;
        }
        throw new SigmaException("correlation condition needs gte or gt with a whole number");
    }

    private static long seconds(String within) {
        long amount = Long.parseLong(within.substring(0, within.length() - 1));
        switch (within.charAt(within.length() - 1)) {
            case 's': return amount;
            case 'm': return amount * 60;
            case 'h': return amount * 3600;
            default: return amount * 86400;
        }
    }

    static String timespan(String text) throws SigmaException {
        Matcher matcher = TIMESPAN.matcher(text.trim());
        if (!matcher.matches()) {
            throw new SigmaException("timespan '" + text + "' is not NUMBER followed by s, m, h, d or w");
        }
        long amount = Long.parseLong(matcher.group(1));
        return matcher.group(2).equals("w") ? amount * 7 + "d" : amount + matcher.group(2);
    }

    // ---- metadata ----

    private static String attribution(Map<String, Object> sigma, String source) {
        StringBuilder header = new StringBuilder("# yaml-language-server: $schema=schema/rule.schema.json\n");
        header.append("# Converted by `trailwarden rules import-sigma` from the Sigma rule ").append(comment(source)).append('\n');
        for (String key : List.of("id", "title", "author", "date", "modified", "status")) {
            if (sigma.get(key) != null) {
                header.append("# sigma ").append(key).append(": ").append(comment(String.valueOf(sigma.get(key)))).append('\n');
            }
        }
        header.append("# sigma tags: ").append(comment(String.join(", ", strings(sigma.get("tags"))))).append('\n');
        header.append("# Licence: ").append(LICENSE).append(" - keep this attribution with the rule.\n");
        header.append("# Tests are generated from the rule's own selections and filters, not from recorded attacks.\n");
        return header.toString();
    }

    private static String comment(String text) {
        return text.replaceAll("[\\r\\n\\u0085\\u2028\\u2029]+", " ");
    }

    /**
     * The ATT&CK tactics of the rule's {@code attack.*} tags, as the catalogue names them ({@code
     * attack.privilege_escalation} is {@code privilege-escalation}); a rule without one is not converted.
     */
    private static List<String> tactics(Map<String, Object> sigma) throws SigmaException {
        List<String> tactics = new ArrayList<>();
        for (String tag : strings(sigma.get("tags"))) {
            String tactic = tag.toLowerCase(Locale.ROOT).replace('_', '-');
            if (tactic.startsWith("attack.") && RuleLoader.TACTICS.contains(tactic.substring("attack.".length()))
                    && !tactics.contains(tactic.substring("attack.".length()))) {
                tactics.add(tactic.substring("attack.".length()));
            }
        }
        if (tactics.isEmpty()) {
            throw new SigmaException("no ATT&CK tactic tag (attack.persistence, attack.stealth, ...; ATT&CK v19 split"
                    + " defense-evasion into stealth and defense-impairment): every TrailWarden rule names its tactic");
        }
        return tactics;
    }

    private static String description(Map<String, Object> sigma) {
        StringBuilder text = new StringBuilder();
        if (sigma.get("description") != null) {
            text.append(String.valueOf(sigma.get("description")).trim()).append("\n\n");
        }
        text.append("Sigma rule ").append(sigma.getOrDefault("id", "(no id)"));
        if (sigma.get("author") != null) {
            text.append(" by ").append(sigma.get("author"));
        }
        text.append(", under the ").append(LICENSE).append('.');
        return text.toString();
    }

    private static String severity(Map<String, Object> sigma) throws SigmaException {
        String level = String.valueOf(sigma.getOrDefault("level", "medium")).toLowerCase(Locale.ROOT);
        if (!List.of("informational", "low", "medium", "high", "critical").contains(level)) {
            throw new SigmaException("level '" + level + "' is not a Sigma level");
        }
        return level;
    }

    static String ruleId(String fileName, boolean alone, Map<String, Object> sigma) {
        String stem = fileName.replaceAll("^.*/", "").replaceAll("\\.ya?ml$", "");
        String base = alone || sigma.get("name") == null ? stem : stem + "-" + sigma.get("name");
        return "sigma-" + slug(base);
    }

    static String slug(String text) {
        String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return slug.length() > 80 ? slug.substring(0, 80).replaceAll("-+$", "") : slug.isEmpty() ? "rule" : slug;
    }

    private static String requireText(Map<String, Object> sigma, String key) throws SigmaException {
        if (!(sigma.get(key) instanceof String) || ((String) sigma.get(key)).isBlank()) {
            throw new SigmaException("no " + key);
        }
        return (String) sigma.get(key);
    }

    static Map<String, Object> map(Object value, String what) throws SigmaException {
        if (!(value instanceof Map)) {
            throw new SigmaException(what + " is missing or not a mapping");
        }
        return stringKeys((Map<?, ?>) value);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(String.valueOf(key), value));
        return copy;
    }

    static List<String> strings(Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof List) {
            ((List<?>) value).forEach(item -> strings.add(String.valueOf(item)));
        } else if (value != null) {
            strings.add(String.valueOf(value));
        }
        return strings;
    }

    private static String dump(Map<String, Object> rule) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(120);
        options.setSplitLines(false);
        return new Yaml(options).dump(rule);
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.split("\n")[0];
    }
}
