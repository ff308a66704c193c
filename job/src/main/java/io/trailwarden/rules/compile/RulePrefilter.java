package io.trailwarden.rules.compile;

import io.trailwarden.event.CloudTrailEvent;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Evaluates one rule's step conditions once per event, before the shuffle; passes on only what matched. */
public class RulePrefilter implements FlatMapFunction<CloudTrailEvent, RuleEvent> {
    private static final long serialVersionUID = 1L;
    private final CompiledRule rule;

    public RulePrefilter(CompiledRule rule) {
        this.rule = rule;
    }

    @Override
    public void flatMap(CloudTrailEvent event, Collector<RuleEvent> out) {
        RuleEvent matched = rule.prefilter(event);
        if (matched != null) {
            out.collect(matched);
        }
    }
}
