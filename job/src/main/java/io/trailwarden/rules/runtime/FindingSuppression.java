package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.PrincipalKey;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * which needs its own containment. The period is the rule's ({@code suppress}, else its kind's default).
 *
 * <p>One operator serves every rule that suppresses: its key starts with the rule id, so rules never
 * share an incident, and a rule's open incidents outlive an edit of its detection (an edit does not
 * alert again on an incident already alerted on). A removed rule's incidents close by their timers.
 * One keyed operator rather than one per rule keeps the job's task count flat as the catalogue grows.
 *
 * <p>The first finding of the incident is emitted at once, so the alert and containment do not wait
 * for the period. When the period after the last match passes and the incident covered more than one
 * match, an incident update closes it: the opening finding with the number of matches, their time span
 * and the latest match's events ({@link Finding#incidentUpdate}). Responders thus learn how big the
 * incident was without an alert per match. Suppressed findings are also counted
 * ({@code suppressedFindings}). State per open incident: the opening and the latest finding, the count
 * and the end, cleared by the event-time timer that closes it.
 */
public class FindingSuppression extends KeyedProcessFunction<String, Finding, Finding> {
    private static final long serialVersionUID = 1L;
    /** Events an incident update lists: the opening finding's and the latest match's, at most this many. */
    static final int MAX_UPDATE_EVENTS = 50;

    /** By rule id. */
    private final Map<String, Long> periodMillis = new HashMap<>();
    private transient ValueState<Long> incidentEnd;
    private transient ValueState<Finding> opening;
    private transient ValueState<Finding> latest;
    private transient ValueState<Integer> matches;
    private transient Counter suppressed;
    private transient Counter updates;

    /** @param rules the rules whose findings pass, each with its non-zero suppression period */
    public FindingSuppression(List<CompiledRule> rules) {
        for (CompiledRule rule : rules) {
            if (rule.suppression.isZero()) {
                throw new IllegalArgumentException("rule " + rule.id + " suppresses nothing");
            }
            periodMillis.put(rule.id, rule.suppression.toMillis());
        }
    }

    @Override
    public void open(OpenContext openContext) {
        incidentEnd = getRuntimeContext().getState(new ValueStateDescriptor<>("incidentEnd", Types.LONG));
        opening = getRuntimeContext().getState(new ValueStateDescriptor<>("incident-opening", Finding.class));
        latest = getRuntimeContext().getState(new ValueStateDescriptor<>("incident-latest", Finding.class));
        matches = getRuntimeContext().getState(new ValueStateDescriptor<>("incident-matches", Types.INT));
        suppressed = getRuntimeContext().getMetricGroup().counter("suppressedFindings");
        updates = getRuntimeContext().getMetricGroup().counter("incidentUpdates");
    }

    @Override
    public void processElement(Finding finding, Context context, Collector<Finding> out) throws Exception {
        long period = periodMillis.get(finding.ruleId);
        long lastMatch = finding.lastEventTimeMillis();
        Long end = incidentEnd.value();
        if (end == null || lastMatch >= end) {
            closeIncident(out);
            out.collect(finding);
            opening.update(finding);
            matches.update(1);
        } else {
            suppressed.inc();
            Integer count = matches.value();
            matches.update(count == null ? 2 : count + 1);
            Finding previous = latest.value();
            if (previous == null || lastMatch >= previous.lastEventTimeMillis()) {
                latest.update(finding);
            }
        }
        long newEnd = Math.max(end == null || lastMatch >= end ? Long.MIN_VALUE : end, lastMatch + period);
        incidentEnd.update(newEnd);
        context.timerService().registerEventTimeTimer(newEnd);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<Finding> out) throws Exception {
        Long end = incidentEnd.value();
        if (end != null && timestamp >= end) {
            closeIncident(out);
            incidentEnd.clear();
        }
    }

    /** Emits the update of the open incident when it covered several matches, and forgets it. */
    private void closeIncident(Collector<Finding> out) throws Exception {
        Finding first = opening.value();
        Integer count = matches.value();
        Finding last = latest.value();
        if (first != null && count != null && count > 1 && last != null) {
            out.collect(update(first, last, count));
            updates.inc();
        }
        opening.clear();
        latest.clear();
        matches.clear();
    }

    static Finding update(Finding first, Finding last, int count) {
        Finding update = new Finding();
        update.findingId = first.findingId;
        update.ruleId = first.ruleId;
        update.title = first.title;
        update.severity = first.severity;
        update.mitre = new ArrayList<>(first.mitre);
        update.actor = first.actor;
        update.target = first.target;
        update.context = new ArrayList<>(first.context);
        update.events = new ArrayList<>(first.events);
        for (CloudTrailEvent event : last.events) {
            if (update.events.size() >= MAX_UPDATE_EVENTS) {
                break;
            }
            if (!update.events.contains(event)) {
                update.events.add(event);
            }
        }
        update.events.sort(Comparator.comparingLong(event -> event.eventTimeMillis));
        update.matches = count;
        update.incidentStartMillis = first.incidentStart();
        update.incidentEndMillis = Math.max(first.incidentEnd(), last.incidentEnd());
        update.incidentUpdate = true;
        return update;
    }

    /**
     * The rule of a finding, the rule key (the key its last event had in the rule's pre-filter) and its
     * target.
     */
    static final class IncidentKey implements KeySelector<Finding, String> {
        private static final long serialVersionUID = 1L;
        private final Map<String, CompiledRule> rules = new HashMap<>();

        IncidentKey(List<CompiledRule> rules) {
            for (CompiledRule rule : rules) {
                this.rules.put(rule.id, rule);
            }
        }

        @Override
        public String getKey(Finding finding) {
            CompiledRule rule = rules.get(finding.ruleId);
            CloudTrailEvent last = finding.events.get(finding.events.size() - 1);
            String key = rule.keyedByPrincipal() || rule.kind == Rule.Kind.MATCH ? PrincipalKey.of(last) : keyOf(rule, last);
            String target = finding.target == null ? "" : finding.target.kind + ":" + finding.target.name;
            // Length-prefixed: the key and target come from the record, so no separator character is safe.
            return rule.id.length() + ":" + rule.id + key.length() + ":" + key + target;
        }

        private static String keyOf(CompiledRule rule, CloudTrailEvent event) {
            RuleEvent keyed = rule.prefilter(event);
            return keyed == null ? "" : keyed.key;
        }
    }
}
