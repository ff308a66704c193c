package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.event.ParseResult;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleTestCase;
import io.trailwarden.source.RawInput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs the rules' embedded tests: each case's raw inputs through the real parser, then all cases of
 * all rules through the real compiled operators in one Flink job (one job, so one mini-cluster start
 * for the whole catalogue).
 *
 * <p>Cases must not see each other's events: each case is moved in event time to its own slot, far
 * further apart than any rule window, and its event ids are prefixed with the case number (the same
 * real record may appear in several cases; deduplication and attribution need them distinct). Only
 * the parsed time and id are changed; the record text is what the rule file holds. The job emits no
 * watermark until its input ends, so every case is evaluated with all its events in event-time order,
 * whatever order the rule file lists them in.
 */
public final class RuleTestRunner {
    /** Further apart than the longest window a rule may declare (TrailWarden.Detection.maxRuleWindow <= 7d). */
    static final Duration CASE_SPACING = Duration.ofDays(30);
    static final Instant FIRST_CASE = Instant.parse("2030-01-01T00:00:00Z");
    private static final String CASE_PREFIX = "case-";

    /** The verdict of one case. */
    public static final class CaseResult {
        public final String ruleId;
        public final String file;
        public final RuleTestCase testCase;
        public final List<Finding> findings;
        /** Why the case could not run (an input that did not parse), or null. */
        public final String problem;
        /** For a case that went the wrong way: what each step, sequence or threshold made of its events. */
        public final List<String> trace;

        CaseResult(String ruleId, String file, RuleTestCase testCase, List<Finding> findings, String problem,
                List<String> trace) {
            this.ruleId = ruleId;
            this.file = file;
            this.testCase = testCase;
            this.findings = findings;
            this.problem = problem;
            this.trace = trace;
        }

        public boolean alerted() {
            return !findings.isEmpty();
        }

        public List<String> targets() {
            return findings.stream().map(f -> f.target == null ? null : f.target.name).collect(Collectors.toList());
        }

        public boolean passed() {
            return verdict(testCase, findings, problem) == null;
        }

        /** What went wrong (and why, from the trace), for the table and for assertion messages. */
        public String explanation() {
            String verdict = verdict(testCase, findings, problem);
            if (verdict == null) {
                return "ok";
            }
            return trace.isEmpty() ? verdict : verdict + "\n    " + String.join("\n    ", trace);
        }
    }

    /** Null when the findings are what the case expects, else the first difference. */
    static String verdict(RuleTestCase testCase, List<Finding> findings, String problem) {
        if (problem != null) {
            return problem;
        }
        if (findings.isEmpty() == testCase.expectAlert) {
            return testCase.expectAlert ? "no finding" : findings.size() + " finding(s): " + findings;
        }
        if (testCase.expectFindings != null && findings.size() != testCase.expectFindings) {
            return findings.size() + " findings, expected " + testCase.expectFindings;
        }
        List<String> targets = findings.stream().map(f -> f.target == null ? null : f.target.name)
                .collect(Collectors.toList());
        if (testCase.expectTarget != null && !targets.contains(testCase.expectTarget)) {
            return "target " + targets + ", expected " + testCase.expectTarget;
        }
        for (Map.Entry<String, List<String>> expected : testCase.expectContext.entrySet()) {
            Set<String> wanted = new HashSet<>(expected.getValue());
            boolean found = findings.stream().anyMatch(f -> new HashSet<>(f.context(expected.getKey())).equals(wanted));
            if (!found) {
                return "context '" + expected.getKey() + "' is " + findings.stream()
                        .map(f -> f.context(expected.getKey()).toString()).collect(Collectors.joining(" / "))
                        + ", expected " + expected.getValue();
            }
        }
        return null;
    }

    private final CloudTrailParser parser = new CloudTrailParser();
    private final TestCorpus corpus;

    public RuleTestRunner(TestCorpus corpus) {
        this.corpus = corpus;
    }

    public RuleTestRunner() {
        this(TestCorpus.empty());
    }

    public List<CaseResult> run(List<Rule> rules, Map<String, List<String>> lists, StreamExecutionEnvironment env)
            throws Exception {
        List<CloudTrailEvent> events = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<List<CloudTrailEvent>> eventsByCase = new ArrayList<>();
        int caseNumber = 0;
        for (Rule rule : rules) {
            for (RuleTestCase testCase : rule.tests) {
                List<CloudTrailEvent> own = new ArrayList<>();
                problems.add(prepare(testCase, caseNumber, own));
                events.addAll(own);
                eventsByCase.add(own);
                caseNumber++;
            }
        }
        List<List<Finding>> findingsByCase = new ArrayList<>();
        for (int i = 0; i < caseNumber; i++) {
            findingsByCase.add(new ArrayList<>());
        }
        if (!events.isEmpty()) {
            DataStream<CloudTrailEvent> input = env
                    .fromData(TypeInformation.of(CloudTrailEvent.class), events.toArray(new CloudTrailEvent[0]))
                    .assignTimestampsAndWatermarks(WatermarkStrategy.<CloudTrailEvent>noWatermarks()
                            .withTimestampAssigner((event, previous) -> event.eventTimeMillis))
                    .name("rule test events");
            // Keyed by principal, as the topology's dedup leaves it: the detection stage's contract.
            DataStream<Finding> findings = CompiledRules.compile(rules, lists).apply(input.keyBy(new PrincipalKey()));
            try (CloseableIterator<Finding> results = findings.executeAndCollect("trailwarden rules test")) {
                while (results.hasNext()) {
                    Finding finding = results.next();
                    // An update closes an incident already counted through its opening finding.
                    if (!finding.incidentUpdate) {
                        findingsByCase.get(caseOf(finding)).add(finding);
                    }
                }
            }
        }
        List<CaseResult> results = new ArrayList<>();
        RuleExplainer explainer = new RuleExplainer(lists);
        caseNumber = 0;
        for (Rule rule : rules) {
            for (RuleTestCase testCase : rule.tests) {
                String ruleId = rule.id;
                List<Finding> own = findingsByCase.get(caseNumber).stream()
                        .filter(finding -> ruleId.equals(finding.ruleId)).collect(Collectors.toList());
                String problem = problems.get(caseNumber);
                List<String> trace = problem == null && verdict(testCase, own, null) != null
                        ? explainer.explain(rule, eventsByCase.get(caseNumber)) : List.of();
                results.add(new CaseResult(rule.id, rule.file, testCase, own, problem, trace));
                caseNumber++;
            }
        }
        return results;
    }

    /** The event id as the test case wrote it, without the case prefix the runner adds. */
    static String originalEventId(String eventId) {
        if (eventId != null && eventId.startsWith(CASE_PREFIX) && eventId.indexOf('/') > 0) {
            return eventId.substring(eventId.indexOf('/') + 1);
        }
        return eventId;
    }

    /** Parses the case's inputs into {@code events}; returns why it cannot run, or null. */
    private String prepare(RuleTestCase testCase, int caseNumber, List<CloudTrailEvent> events) {
        List<CloudTrailEvent> parsed = new ArrayList<>();
        List<String> inputs = new ArrayList<>(testCase.inputs);
        for (RuleTestCase.CorpusRecord reference : testCase.corpusRecords) {
            try {
                inputs.add(corpus.record(reference));
            } catch (IllegalArgumentException e) {
                return "line " + reference.line + ": " + e.getMessage();
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            ParseResult result = parser.parseAll(RawInput.of("test '" + testCase.name + "' event " + (i + 1),
                    inputs.get(i)));
            if (!result.deadLetters.isEmpty()) {
                DeadLetter first = result.deadLetters.get(0);
                return "event " + (i + 1) + " did not parse: " + first.reason;
            }
            parsed.addAll(result.events);
        }
        long earliest = parsed.stream().mapToLong(event -> event.eventTimeMillis).min().orElse(0);
        long shift = FIRST_CASE.plus(CASE_SPACING.multipliedBy(caseNumber)).toEpochMilli() - earliest;
        for (CloudTrailEvent event : parsed) {
            event.eventTimeMillis += shift;
            event.eventId = CASE_PREFIX + caseNumber + "/" + Objects.toString(event.eventId, "");
            events.add(event);
        }
        return null;
    }

    private static int caseOf(Finding finding) {
        String eventId = finding.events.get(0).eventId;
        return Integer.parseInt(eventId.substring(CASE_PREFIX.length(), eventId.indexOf('/')));
    }
}
