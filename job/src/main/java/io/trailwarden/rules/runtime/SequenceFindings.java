package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns one CEP match of a sequence rule into a finding: events in step order, target from captures.
 * Matches are not yet incidents; {@link IncidentFindings} counts the findings it lets through.
 */
public class SequenceFindings extends PatternProcessFunction<RuleEvent, Finding> {
    private static final long serialVersionUID = 1L;
    private final CompiledRule rule;

    public SequenceFindings(CompiledRule rule) {
        this.rule = rule;
    }

    @Override
    public void processMatch(Map<String, List<RuleEvent>> match, Context context, Collector<Finding> out) {
        out.collect(finding(rule, match));
    }

    /** The finding of one match, given as CEP gives it: the events each step took, by step name. */
    static Finding finding(CompiledRule rule, Map<String, List<RuleEvent>> match) {
        List<CloudTrailEvent> events = new ArrayList<>();
        Map<String, RuleEvent> byStep = new HashMap<>();
        for (String step : rule.stepNames) {
            List<RuleEvent> matched = match.get(step);
            if (matched == null || matched.isEmpty()) {
                continue;
            }
            byStep.put(step, matched.get(0));
            for (RuleEvent event : matched) {
                events.add(event.event);
            }
        }
        return rule.finding(events, byStep);
    }
}
