package io.trailwarden.rules.runtime;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.finding.Finding;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.model.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Every rule's per-event test, in one operator: the single-event fast path of match rules (a finding
 * the moment the event is read, no keyBy, no watermark wait, so a CreateUser is contained seconds after
 * CloudTrail delivers it, late or not) and the pre-filter of every sequence and threshold, whose
 * {@link RuleEvent}s leave through the rule's own side output to its keyed operators.
 *
 * <p>Rules are looked up by the event's name: most steps name the calls they match, so of a catalogue
 * of dozens of rules an event is tested against the few that name its call and the few that match any
 * call ({@link CompiledRule#eventNames}). One operator instead of one per rule also spares the per-rule
 * hand-over of every event inside the operator chain, which is what the catalogue's size cost before.
 * The lookup lower-cases the name, so a rule that ignores case finds its events however they are
 * spelled; every candidate rule is then tested in full.
 */
public class RuleDispatch extends ProcessFunction<CloudTrailEvent, Finding> {
    private static final long serialVersionUID = 1L;
    /** How many event names as written the lookup remembers; about 15,000 exist across AWS. */
    static final int NAMES_AS_WRITTEN = 4_096;
    private final List<CompiledRule> rules;
    /** By rule index; null for match rules, which emit findings on the main output. */
    private final List<OutputTag<RuleEvent>> ruleEvents;
    private transient Map<String, int[]> byEventName;
    /**
     * The candidates of the names seen so far, by the name as written: most events then need no
     * lower-cased copy of their name. Bounded, so that invented names cost time (a lower-cased lookup
     * each), never memory.
     */
    private transient Map<String, int[]> byNameAsWritten;
    private transient int[] anyEventName;
    private transient Counter[] findings;

    /** @param ruleEvents by rule id, the side output of each sequence and threshold rule */
    public RuleDispatch(List<CompiledRule> rules, Map<String, OutputTag<RuleEvent>> ruleEvents) {
        this.rules = List.copyOf(rules);
        this.ruleEvents = new ArrayList<>();
        for (CompiledRule rule : this.rules) {
            OutputTag<RuleEvent> tag = ruleEvents.get(rule.id);
            if ((tag == null) != (rule.kind == Rule.Kind.MATCH)) {
                throw new IllegalArgumentException("rule " + rule.id + ": a side output is needed exactly by"
                        + " sequences and thresholds");
            }
            this.ruleEvents.add(tag);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        findings = new Counter[rules.size()];
        List<Integer> unnamed = new ArrayList<>();
        Map<String, Set<Integer>> named = new HashMap<>();
        for (int index = 0; index < rules.size(); index++) {
            CompiledRule rule = rules.get(index);
            if (rule.kind == Rule.Kind.MATCH) {
                findings[index] = getRuntimeContext().getMetricGroup().addGroup("rule", rule.id).counter("findings");
            }
            Set<String> names = rule.eventNames();
            if (names == null) {
                unnamed.add(index);
            } else {
                for (String name : names) {
                    named.computeIfAbsent(name, unused -> new TreeSet<>()).add(index);
                }
            }
        }
        anyEventName = unnamed.stream().mapToInt(Integer::intValue).toArray();
        byEventName = new HashMap<>();
        byNameAsWritten = new HashMap<>();
        for (Map.Entry<String, Set<Integer>> entry : named.entrySet()) {
            Set<Integer> candidates = new TreeSet<>(entry.getValue());
            candidates.addAll(unnamed);
            byEventName.put(entry.getKey(), candidates.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Override
    public void processElement(CloudTrailEvent event, Context context, Collector<Finding> out) {
        for (int index : candidates(event)) {
            CompiledRule rule = rules.get(index);
            OutputTag<RuleEvent> tag = ruleEvents.get(index);
            if (tag == null) {
                if (rule.matchesSingle(event)) {
                    findings[index].inc();
                    out.collect(rule.finding(List.of(event), null));
                }
            } else {
                RuleEvent matched = rule.prefilter(event);
                if (matched != null) {
                    context.output(tag, matched);
                }
            }
        }
    }

    /** The indexes of the rules that may match the event, in catalogue order. */
    int[] candidates(CloudTrailEvent event) {
        if (event.eventName == null) {
            return anyEventName;
        }
        int[] remembered = byNameAsWritten.get(event.eventName);
        if (remembered != null) {
            return remembered;
        }
        int[] found = byEventName.getOrDefault(event.eventName.toLowerCase(Locale.ROOT), anyEventName);
        if (byNameAsWritten.size() < NAMES_AS_WRITTEN) {
            byNameAsWritten.put(event.eventName, found);
        }
        return found;
    }

    int namesRemembered() {
        return byNameAsWritten.size();
    }
}
