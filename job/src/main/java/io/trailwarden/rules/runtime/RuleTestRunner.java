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
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

        CaseResult(String ruleId, String file, RuleTestCase testCase, List<Finding> findings, String problem) {
            this.ruleId = ruleId;
            this.file = file;
            this.testCase = testCase;
            this.findings = findings;
            this.problem = problem;
        }

        public boolean alerted() {
            return !findings.isEmpty();
        }

        public List<String> targets() {
            return findings.stream().map(f -> f.target == null ? null : f.target.name).collect(Collectors.toList());
        }

        public boolean passed() {
            if (problem != null || alerted() != testCase.expectAlert) {
                return false;
            }
            return testCase.expectTarget == null || targets().contains(testCase.expectTarget);
        }

        /** What went wrong, for the table and for assertion messages. */
        public String explanation() {
            if (problem != null) {
                return problem;
            }
            if (alerted() != testCase.expectAlert) {
                return testCase.expectAlert ? "no finding" : findings.size() + " finding(s): " + findings;
            }
            if (testCase.expectTarget != null && !targets().contains(testCase.expectTarget)) {
                return "target " + targets() + ", expected " + testCase.expectTarget;
            }
            return "ok";
        }
    }

    private final CloudTrailParser parser = new CloudTrailParser();

    public List<CaseResult> run(List<Rule> rules, Map<String, List<String>> lists, StreamExecutionEnvironment env)
            throws Exception {
        List<CloudTrailEvent> events = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int caseNumber = 0;
        for (Rule rule : rules) {
            for (RuleTestCase testCase : rule.tests) {
                problems.add(prepare(testCase, caseNumber, events));
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
                    findingsByCase.get(caseOf(finding)).add(finding);
                }
            }
        }
        List<CaseResult> results = new ArrayList<>();
        caseNumber = 0;
        for (Rule rule : rules) {
            for (RuleTestCase testCase : rule.tests) {
                String ruleId = rule.id;
                List<Finding> own = findingsByCase.get(caseNumber).stream()
                        .filter(finding -> ruleId.equals(finding.ruleId)).collect(Collectors.toList());
                results.add(new CaseResult(rule.id, rule.file, testCase, own, problems.get(caseNumber)));
                caseNumber++;
            }
        }
        return results;
    }

    /** Parses the case's inputs into {@code events}; returns why it cannot run, or null. */
    private String prepare(RuleTestCase testCase, int caseNumber, List<CloudTrailEvent> events) {
        List<CloudTrailEvent> parsed = new ArrayList<>();
        for (int i = 0; i < testCase.inputs.size(); i++) {
            ParseResult result = parser.parseAll(RawInput.of("test '" + testCase.name + "' event " + (i + 1),
                    testCase.inputs.get(i)));
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
