package io.trailwarden.rules;

import io.trailwarden.event.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Events a sequence or threshold rule could not use because they arrived behind its watermark: counted
 * per rule and turned into dead letters, never dropped silently.
 */
public class LateRuleEvents extends RichMapFunction<RuleEvent, DeadLetter> {
    private static final long serialVersionUID = 1L;
    public static final String STAGE = "late";
    private final String ruleId;
    private transient Counter late;

    public LateRuleEvents(String ruleId) {
        this.ruleId = ruleId;
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().addGroup("rule", ruleId).counter("lateEvents");
    }

    @Override
    public DeadLetter map(RuleEvent event) {
        late.inc();
        return DeadLetter.of(STAGE, "event time " + event.event.eventTime() + " is behind the watermark of rule "
                + ruleId + ": not part of its sequences or thresholds", event.event.eventId, event.event.rawJson);
    }
}
