package io.trailwarden.rules.runtime;

import io.trailwarden.finding.Finding;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleTestCase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;

/**
 * Which rules find each technique of a labelled corpus: every technique's records are replayed, on
 * their own, through the real parser and every compiled rule. It runs on {@link RuleTestRunner}: each
 * (rule, technique) pair is a test case of a copy of the rule, so a technique is isolated in event time
 * from the others exactly as a rule's test cases are from each other.
 */
public final class TechniqueCoverage {
    private TechniqueCoverage() {}

    /** Technique to the ids of the rules that gave at least one finding on its records (empty: undetected). */
    public static Map<String, SortedSet<String>> of(List<Rule> rules, Map<String, List<String>> lists,
            TechniqueCorpus corpus, StreamExecutionEnvironment env) throws Exception {
        List<Rule> probes = new ArrayList<>();
        for (Rule rule : rules) {
            Rule probe = InstantiationUtil.clone(rule);
            probe.tests = new ArrayList<>();
            for (Map.Entry<String, List<String>> technique : corpus.recordsByTechnique.entrySet()) {
                RuleTestCase replay = new RuleTestCase();
                replay.name = technique.getKey();
                replay.expectAlert = true;
                replay.inputs = technique.getValue();
                probe.tests.add(replay);
            }
            probes.add(probe);
        }
        Map<String, SortedSet<String>> coverage = new LinkedHashMap<>();
        corpus.recordsByTechnique.keySet().forEach(technique -> coverage.put(technique, new TreeSet<>()));
        for (RuleTestRunner.CaseResult result : new RuleTestRunner().run(probes, lists, env)) {
            if (result.problem != null) {
                throw new IllegalArgumentException("technique " + result.testCase.name + ": " + result.problem);
            }
            for (Finding finding : result.findings) {
                coverage.get(result.testCase.name).add(finding.ruleId);
            }
        }
        return coverage;
    }
}
