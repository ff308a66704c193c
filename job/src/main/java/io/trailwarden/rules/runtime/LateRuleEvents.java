package io.trailwarden.rules.runtime;

import io.trailwarden.rules.compile.RuleEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Counts, per rule, the events a sequence or threshold rule could not use because they reached it
 * behind its watermark. The events themselves are not lost: the topology's late-event accounting has
 * already put each late event in the dead-letter stream (and single-event rules still saw it); this
 * metric says which rules missed them. Named apart from the topology's {@code lateEvents}, so a sum
 * by metric name does not count one late event twice.
 */
public class LateRuleEvents extends RichFlatMapFunction<RuleEvent, Void> {
    private static final long serialVersionUID = 1L;
    public static final String METRIC = "lateEventsIgnored";
    private final String ruleId;
    private transient Counter late;

    public LateRuleEvents(String ruleId) {
        this.ruleId = ruleId;
    }

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().addGroup("rule", ruleId).counter(METRIC);
    }

    @Override
    public void flatMap(RuleEvent event, Collector<Void> out) {
        late.inc();
    }
}
