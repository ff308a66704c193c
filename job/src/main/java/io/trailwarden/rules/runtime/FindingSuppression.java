package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One finding per incident: after a finding for a rule, key and target, further findings of the same
 * rule, key and target whose matches fall within the suppression period of the incident's last match
 * are part of that incident and not emitted again; each one extends the incident by the period. A
 * threshold re-fires every time its count is reached again (a 30-call burst against a 5-call
 * threshold was six findings of one incident), and a match rule fires on every matching call (five
 * pages of one bulk secret read were five findings). The key is the rule's own key (the acting
 * principal for match rules); the target keeps apart incidents against different users, each of
 * which needs its own containment.
 *
 * <p>Suppressed findings are counted ({@code suppressedFindings}), never lost without a trace; the
 * first finding of the incident is emitted at once, so containment does not wait for the period.
 * State is one timestamp per open incident, cleared by an event-time timer when the period after the
 * last match passes.
 */
public class FindingSuppression extends KeyedProcessFunction<String, Finding, Finding> {
    private static final long serialVersionUID = 1L;
    /** How long a burst stays one incident after its last match, while rules have no field for it. */
    public static final Duration BURST_PERIOD = Duration.ofHours(1);
    /** The same for repeated single-event matches of one principal against one target. */
    public static final Duration MATCH_PERIOD = Duration.ofMinutes(15);

    private final long periodMillis;
    private transient ValueState<Long> incidentEnd;
    private transient Counter suppressed;

    public FindingSuppression(Duration period) {
        this.periodMillis = period.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        incidentEnd = getRuntimeContext().getState(new ValueStateDescriptor<>("incidentEnd", Types.LONG));
        suppressed = getRuntimeContext().getMetricGroup().counter("suppressedFindings");
    }

    @Override
    public void processElement(Finding finding, Context context, Collector<Finding> out) throws Exception {
        long lastMatch = finding.lastEventTimeMillis();
        Long end = incidentEnd.value();
        if (end == null || lastMatch >= end) {
            out.collect(finding);
        } else {
            suppressed.inc();
        }
        long newEnd = Math.max(end == null ? Long.MIN_VALUE : end, lastMatch + periodMillis);
        incidentEnd.update(newEnd);
        context.timerService().registerEventTimeTimer(newEnd);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<Finding> out) throws Exception {
        Long end = incidentEnd.value();
        if (end != null && timestamp >= end) {
            incidentEnd.clear();
        }
    }

    /** The rule key of a finding (the key its last event had in the rule's pre-filter) and its target. */
    static final class IncidentKey implements KeySelector<Finding, String> {
        private static final long serialVersionUID = 1L;
        private final CompiledRule rule;

        IncidentKey(CompiledRule rule) {
            this.rule = rule;
        }

        @Override
        public String getKey(Finding finding) {
            CloudTrailEvent last = finding.events.get(finding.events.size() - 1);
            String key = rule.keyedByPrincipal() || rule.kind == Rule.Kind.MATCH ? PrincipalKey.of(last) : keyOf(last);
            String target = finding.target == null ? "" : finding.target.kind + ":" + finding.target.name;
            // Length-prefixed: both parts come from the record, so no separator character is safe.
            return key.length() + ":" + key + target;
        }

        private String keyOf(CloudTrailEvent event) {
            RuleEvent keyed = rule.prefilter(event);
            return keyed == null ? "" : keyed.key;
        }
    }
}
