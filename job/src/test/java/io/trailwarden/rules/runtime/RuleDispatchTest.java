package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.BenignWorkload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * The dispatch's lookup by event name never skips a rule that matches: over every corpus record, a
 * benign workload and copies whose event names are spelled in other cases, the dispatch finds exactly
 * what testing every rule of the catalogue and of the Sigma corpus on every event finds.
 */
class RuleDispatchTest {
    private static final Path SIGMA = RepoRules.repoRoot().resolve("job/src/test/resources/sigma/cloudtrail");

    @Test
    void theLookupByEventNameFindsWhatTestingEveryRuleFinds() throws Exception {
        List<CompiledRule> rules = catalogueAndSigma();
        List<CloudTrailEvent> events = events();
        Map<String, OutputTag<RuleEvent>> tags = tags(rules);

        TreeSet<String> dispatched;
        try (OneInputStreamOperatorTestHarness<CloudTrailEvent, Finding> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new RuleDispatch(rules, tags)))) {
            harness.open();
            for (CloudTrailEvent event : events) {
                harness.processElement(new StreamRecord<>(event, event.eventTimeMillis));
            }
            dispatched = dispatched(harness, tags);
        }

        TreeSet<String> exhaustive = exhaustive(rules, events);
        assertThat(exhaustive).as("the events exercise most rules")
                .hasSizeGreaterThan(events.size() / 10);
        assertThat(exhaustive.stream().map(entry -> entry.split(" ")[0]).distinct().count())
                .isGreaterThanOrEqualTo(40);
        assertThat(dispatched).isEqualTo(exhaustive);
    }

    /**
     * An attacker who invents event names fills the remembered names up to their bound and no further,
     * and an event whose name is spelled in a case never seen before still reaches every rule that
     * matches it: the first corpus record that, with its name in alternating case, still matches a rule
     * looked up by name (a Sigma rule: Sigma matches names without case).
     */
    @Test
    void inventedEventNamesCannotGrowTheLookupNorHideARuleFromIt() throws Exception {
        List<CompiledRule> rules = catalogueAndSigma();
        Set<String> lookedUpByName = rules.stream().filter(rule -> rule.eventNames() != null).map(rule -> rule.id)
                .collect(Collectors.toSet());
        CloudTrailEvent recased = Corpus.records().stream()
                .map(record -> (ObjectNode) EventJson.readTree(record.getBytes(StandardCharsets.UTF_8)))
                .map(record -> {
                    record.put("eventName", alternatingCase(record.path("eventName").asText()));
                    record.put("eventID", "recased");
                    return parse(record);
                })
                .filter(event -> exhaustive(rules, List.of(event)).stream()
                        .anyMatch(entry -> lookedUpByName.contains(entry.split(" ")[0])))
                .findFirst().orElseThrow();
        Map<String, OutputTag<RuleEvent>> tags = tags(rules);
        RuleDispatch dispatch = new RuleDispatch(rules, tags);
        List<CloudTrailEvent> events = new ArrayList<>();
        ObjectNode template = (ObjectNode) EventJson.readTree(recased.rawJsonUtf8);
        for (int i = 0; i < RuleDispatch.NAMES_AS_WRITTEN + 500; i++) {
            ObjectNode invented = template.deepCopy();
            invented.put("eventName", "Invented" + i);
            invented.put("eventID", "invented-" + i);
            events.add(parse(invented));
        }
        events.add(recased);
        try (OneInputStreamOperatorTestHarness<CloudTrailEvent, Finding> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(dispatch))) {
            harness.open();
            for (CloudTrailEvent event : events) {
                harness.processElement(new StreamRecord<>(event, event.eventTimeMillis));
            }

            assertThat(dispatch.namesRemembered()).isEqualTo(RuleDispatch.NAMES_AS_WRITTEN);
            assertThat(dispatched(harness, tags)).isEqualTo(exhaustive(rules, events));
        }
    }

    private static String alternatingCase(String name) {
        StringBuilder recased = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            recased.append(i % 2 == 0 ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return recased.toString();
    }

    private static TreeSet<String> exhaustive(List<CompiledRule> rules, List<CloudTrailEvent> events) {
        TreeSet<String> exhaustive = new TreeSet<>();
        for (CloudTrailEvent event : events) {
            for (CompiledRule rule : rules) {
                boolean matches = rule.kind == Rule.Kind.MATCH ? rule.matchesSingle(event) : rule.prefilter(event) != null;
                if (matches) {
                    exhaustive.add(rule.id + " " + event.eventId);
                }
            }
        }
        return exhaustive;
    }

    private static CloudTrailEvent parse(ObjectNode record) {
        return new CloudTrailParser().parseAll(RawInput.of("dispatch-test",
                record.toString().getBytes(StandardCharsets.UTF_8))).events.get(0);
    }

    private static Map<String, OutputTag<RuleEvent>> tags(List<CompiledRule> rules) {
        Map<String, OutputTag<RuleEvent>> tags = new LinkedHashMap<>();
        for (CompiledRule rule : rules) {
            if (rule.kind != Rule.Kind.MATCH) {
                tags.put(rule.id, new OutputTag<>(rule.uid("events"), TypeInformation.of(RuleEvent.class)));
            }
        }
        return tags;
    }

    /** "rule eventID" of everything the dispatch emitted so far: findings and every rule's side output. */
    private static TreeSet<String> dispatched(OneInputStreamOperatorTestHarness<CloudTrailEvent, Finding> harness,
            Map<String, OutputTag<RuleEvent>> tags) {
        TreeSet<String> dispatched = new TreeSet<>();
        for (Finding finding : harness.extractOutputValues()) {
            dispatched.add(finding.ruleId + " " + finding.events.get(0).eventId);
        }
        for (Map.Entry<String, OutputTag<RuleEvent>> tag : tags.entrySet()) {
            Queue<StreamRecord<RuleEvent>> ruleEvents = harness.getSideOutput(tag.getValue());
            for (StreamRecord<RuleEvent> record : ruleEvents == null ? List.<StreamRecord<RuleEvent>>of() : ruleEvents) {
                dispatched.add(tag.getKey() + " " + record.getValue().event.eventId);
            }
        }
        return dispatched;
    }

    @Test
    void mostRulesAreLookedUpByNameAndAnEventIsTestedAgainstFewOfThem() throws Exception {
        List<CompiledRule> rules = new RuleCompiler(ListsConfig.defaults().lists).compile(RepoRules.load());
        List<String> unnamed = rules.stream().filter(rule -> rule.eventNames() == null).map(rule -> rule.id)
                .collect(Collectors.toList());

        assertThat(unnamed).as("rules tested on every event").hasSizeLessThanOrEqualTo(8)
                .contains("root-account-usage", "instance-credentials-from-second-address");
        assertThat(rules.stream().filter(rule -> "reconnaissance-burst".equals(rule.id)).findFirst().orElseThrow()
                .eventNames()).contains("listusers", "getaccountauthorizationdetails").doesNotContain("getobject");
    }

    /** The packaged catalogue and every convertible Sigma rule (Sigma matches event names without case). */
    private static List<CompiledRule> catalogueAndSigma() throws Exception {
        List<RuleLoader.Source> sources = new ArrayList<>(RepoRules.sources());
        try (Stream<Path> files = Files.list(SIGMA)) {
            for (Path file : files.sorted().collect(Collectors.toList())) {
                sources.add(new RuleLoader.Source("rules/" + file.getFileName(),
                        Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        List<RuleError> errors = new ArrayList<>();
        TrailWardenConfig config = TrailWardenConfig.from(PropertyGroups.of(Map.of()));
        List<Rule> rules = RuleCatalogue.load(sources, config, errors);
        return new RuleCompiler(config.lists.lists).compile(rules);
    }

    /** Corpus records, a benign workload, and corpus records with their event name in other cases. */
    private static List<CloudTrailEvent> events() {
        CloudTrailParser parser = new CloudTrailParser();
        List<String> records = new ArrayList<>(Corpus.records());
        records.addAll(BenignWorkload.generate(3_000, 7, Instant.parse("2026-11-02T09:00:00Z")));
        int n = 0;
        for (String record : Corpus.records()) {
            ObjectNode recased = (ObjectNode) EventJson.readTree(record.getBytes(StandardCharsets.UTF_8));
            String name = recased.path("eventName").asText();
            recased.put("eventName", n++ % 2 == 0 ? name.toLowerCase(Locale.ROOT) : name.toUpperCase(Locale.ROOT));
            recased.put("eventID", "recased-" + n);
            records.add(recased.toString());
        }
        List<CloudTrailEvent> events = new ArrayList<>();
        for (String record : records) {
            events.addAll(parser.parseAll(RawInput.of("dispatch-test", record.getBytes(StandardCharsets.UTF_8))).events);
        }
        return events;
    }
}
