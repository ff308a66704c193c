package io.trailwarden.rules.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.Conditions;
import io.trailwarden.rules.compile.FieldRef;
import io.trailwarden.rules.compile.RuleCompiler;
import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Says why a rule did or did not fire on some events, in the rule's own terms: for each event and
 * step, the first condition (by line) that failed; how far a sequence got; what a threshold counted in
 * its best window. It re-evaluates the step conditions one conjunct at a time, outside Flink, with the
 * same compiled conditions the job uses; capture comparisons are named but not evaluated.
 */
public final class RuleExplainer {
    /** Events listed per step before the rest are summarised. */
    private static final int MAX_EVENTS_SHOWN = 20;
    /** List elements and values quoted per condition. */
    private static final int MAX_ELEMENTS_SHOWN = 10;
    private final Map<String, List<String>> lists;

    public RuleExplainer(Map<String, List<String>> lists) {
        this.lists = lists;
    }

    public List<String> explain(Rule rule, List<CloudTrailEvent> unordered) {
        List<CloudTrailEvent> events = new ArrayList<>(unordered);
        events.sort(Comparator.comparingLong(event -> event.eventTimeMillis));
        CompiledRule compiled = new RuleCompiler(lists).compile(rule);
        List<String> lines = new ArrayList<>();
        List<List<Integer>> matchingByStep = new ArrayList<>();
        for (Step step : rule.steps) {
            List<Integer> matching = new ArrayList<>();
            int shown = 0;
            for (int i = 0; i < events.size(); i++) {
                String failure = firstFailure(step, events.get(i));
                if (failure == null) {
                    matching.add(i);
                } else if (shown++ < MAX_EVENTS_SHOWN) {
                    lines.add("step '" + step.name + "', event " + describe(i, events.get(i)) + ", " + failure);
                }
            }
            if (shown > MAX_EVENTS_SHOWN) {
                lines.add("step '" + step.name + "': " + (shown - MAX_EVENTS_SHOWN) + " more events fail it");
            }
            lines.add("step '" + step.name + "' (" + (step.absent ? "absent, " : "") + "line " + step.line + "): "
                    + matching.size() + " of " + events.size() + " events satisfy its conditions"
                    + (matching.isEmpty() ? "" : " (" + matching.stream().map(i -> "event " + (i + 1))
                            .collect(Collectors.joining(", ")) + ")"));
            matchingByStep.add(matching);
        }
        if (rule.kind == Rule.Kind.SEQUENCE) {
            lines.add(sequenceProgress(rule, events, matchingByStep));
        } else if (rule.kind == Rule.Kind.THRESHOLD) {
            lines.add(thresholdCount(rule, compiled, events, matchingByStep.get(0)));
        }
        return lines;
    }

    /** Null when every conjunct of the step holds on the event, else the first that fails, by line, and why. */
    private String firstFailure(Step step, CloudTrailEvent event) {
        List<ConditionSpec> conjuncts = new ArrayList<>(step.where.conjuncts());
        conjuncts.sort(Comparator.comparingInt(spec -> spec.line));
        for (ConditionSpec conjunct : conjuncts) {
            if (conjunct.kind == ConditionSpec.Kind.FIELD && conjunct.operator == ConditionSpec.Operator.EQUALS_CAPTURE) {
                continue;
            }
            if (!holds(conjunct, event, null)) {
                return "line " + conjunct.line + ": " + why(conjunct, event, null);
            }
        }
        return null;
    }

    private boolean holds(ConditionSpec spec, CloudTrailEvent event, JsonNode scope) {
        return Conditions.compile(spec, lists).test(event, scope);
    }

    /** Why a condition that does not hold does not, down to the field values it saw. */
    private String why(ConditionSpec spec, CloudTrailEvent event, JsonNode scope) {
        switch (spec.kind) {
            case ALL:
                for (ConditionSpec child : spec.children) {
                    if (!holds(child, event, scope)) {
                        return why(child, event, scope);
                    }
                }
                return "all holds";
            case ANY:
                return "none of these holds: " + spec.children.stream().map(child -> "(line " + child.line + ": "
                        + why(child, event, scope) + ")").collect(Collectors.joining(" "));
            case NOT:
                return "not: the negated condition holds";
            default:
                if (spec.operator == ConditionSpec.Operator.ANY_ELEMENT) {
                    List<JsonNode> elements = new ArrayList<>();
                    new FieldRef(spec.field, spec.relative).anyNode(event, scope, element -> {
                        elements.add(element);
                        return elements.size() >= MAX_ELEMENTS_SHOWN;
                    });
                    if (elements.isEmpty()) {
                        return spec.field + " is absent (or is a string that is not JSON)";
                    }
                    List<String> reasons = new ArrayList<>();
                    for (int i = 0; i < elements.size(); i++) {
                        reasons.add("element " + (i + 1) + ": " + why(spec.children.get(0), event, elements.get(i)));
                    }
                    return "no element of " + spec.field + " satisfies anyElement (" + String.join("; ", reasons) + ")";
                }
                List<String> seen = new ArrayList<>();
                new FieldRef(spec.field, spec.relative).anyValue(event, scope, (value, unused) -> {
                    seen.add(value);
                    return seen.size() >= MAX_ELEMENTS_SHOWN;
                });
                return summary(spec) + " does not hold; " + spec.field + (seen.isEmpty() ? " has no value" : " is "
                        + seen);
        }
    }

    /** The condition as the author wrote it, in short: field, operators, operands. */
    private static String summary(ConditionSpec spec) {
        List<ConditionSpec> tests = spec.kind == ConditionSpec.Kind.SAME_VALUE ? spec.children : List.of(spec);
        String transform = spec.kind == ConditionSpec.Kind.SAME_VALUE ? spec.children.get(0).transform.yamlName
                : spec.transform.yamlName;
        return spec.field + " " + tests.stream().map(test -> test.operator.yamlName + " " + test.values)
                .collect(Collectors.joining(", ")) + ("none".equals(transform) ? "" : " (after " + transform + ")")
                + (tests.size() > 1 ? " on one value" : "");
    }

    /** Greedy, in time order: the furthest step reached, ignoring captures; then whether the window held. */
    private static String sequenceProgress(Rule rule, List<CloudTrailEvent> events, List<List<Integer>> matchingByStep) {
        List<Step> positive = rule.positiveSteps();
        int reached = 0;
        long firstTime = -1;
        long lastTime = -1;
        int after = -1;
        for (int step = 0; step < positive.size(); step++) {
            int next = -1;
            for (int index : matchingByStep.get(step)) {
                if (index > after) {
                    next = index;
                    break;
                }
            }
            if (next < 0) {
                break;
            }
            if (step == 0) {
                firstTime = events.get(next).eventTimeMillis;
            }
            lastTime = events.get(next).eventTimeMillis;
            after = next;
            reached++;
        }
        String progress = "sequence: reached step " + reached + " of " + positive.size()
                + (reached < positive.size() ? " (no later event satisfies step '" + positive.get(reached).name + "')"
                        : "");
        if (reached == positive.size()) {
            long span = lastTime - firstTime;
            progress += "; first to last step " + span / 1000 + "s, window " + rule.within.getSeconds() + "s"
                    + (span >= rule.within.toMillis() ? " (too far apart: the window excludes its end)" : "");
        }
        return progress + "; capture comparisons are checked only by the job";
    }

    /** The largest count any window reached: events, or distinct values. */
    private static String thresholdCount(Rule rule, CompiledRule compiled, List<CloudTrailEvent> events,
            List<Integer> matching) {
        long window = rule.within.toMillis();
        int best = 0;
        Set<String> bestValues = new HashSet<>();
        for (int end : matching) {
            long endTime = events.get(end).eventTimeMillis;
            Set<String> values = new HashSet<>();
            int count = 0;
            for (int index : matching) {
                long time = events.get(index).eventTimeMillis;
                if (time > endTime - window && time <= endTime) {
                    count++;
                    if (compiled.countsDistinct()) {
                        values.addAll(List.of(compiled.distinctValues(events.get(index))));
                    }
                }
            }
            int counted = compiled.countsDistinct() ? values.size() : count;
            if (counted > best) {
                best = counted;
                bestValues = values;
            }
        }
        String what = compiled.countsDistinct() ? "distinct" : "events";
        return "threshold: " + what + " " + best + (best >= rule.atLeast ? " >= " : " < ") + rule.atLeast
                + " within " + rule.within.getSeconds() + "s"
                + (compiled.countsDistinct() && !bestValues.isEmpty() ? " (values: " + shown(bestValues) + ")" : "");
    }

    private static String shown(Set<String> values) {
        List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(values));
        String shown = String.join(", ", sorted.subList(0, Math.min(MAX_ELEMENTS_SHOWN, sorted.size())));
        return sorted.size() > MAX_ELEMENTS_SHOWN ? shown + ", ... " + (sorted.size() - MAX_ELEMENTS_SHOWN) + " more"
                : shown;
    }

    private static String describe(int index, CloudTrailEvent event) {
        return (index + 1) + " (" + event.eventName + " " + RuleTestRunner.originalEventId(event.eventId) + ")";
    }
}
