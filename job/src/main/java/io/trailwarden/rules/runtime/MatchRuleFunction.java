package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * The single-event fast path: a finding the moment the event is read. No keyBy, no buffering, no
 * watermark wait, so a CreateUser is contained seconds after CloudTrail delivers it (late or not).
 */
public class MatchRuleFunction extends RichFlatMapFunction<CloudTrailEvent, Finding> {
    private static final long serialVersionUID = 1L;
    private final CompiledRule rule;
    private transient Counter findings;

    public MatchRuleFunction(CompiledRule rule) {
        this.rule = rule;
    }

    @Override
    public void open(OpenContext openContext) {
        findings = getRuntimeContext().getMetricGroup().addGroup("rule", rule.id).counter("findings");
    }

    @Override
    public void flatMap(CloudTrailEvent event, Collector<Finding> out) {
        if (rule.matchesSingle(event)) {
            findings.inc();
            out.collect(rule.finding(List.of(event), null));
        }
    }
}
