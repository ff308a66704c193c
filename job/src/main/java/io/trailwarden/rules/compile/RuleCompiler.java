package io.trailwarden.rules.compile;

import io.trailwarden.rules.model.ConditionSpec;
import io.trailwarden.rules.model.ContextField;
import io.trailwarden.rules.model.IamNames;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns validated rules into {@link CompiledRule}s; named lists are resolved here, once. */
public final class RuleCompiler {
    private final Map<String, List<String>> lists;

    public RuleCompiler(Map<String, List<String>> lists) {
        this.lists = lists;
    }

    public List<CompiledRule> compile(List<Rule> rules) {
        List<CompiledRule> compiled = new ArrayList<>();
        for (Rule rule : rules) {
            compiled.add(compile(rule));
        }
        return compiled;
    }

    public CompiledRule compile(Rule rule) {
        if (rule.steps.size() > Integer.SIZE - 1) {
            throw new IllegalArgumentException("rule " + rule.id + " has more steps than the step bit set holds");
        }
        Map<String, Integer> slots = new LinkedHashMap<>();
        Map<String, int[]> captures = new HashMap<>();
        EventCondition[] conditions = new EventCondition[rule.steps.size()];
        List<List<CompiledRule.CaptureCheck>> checks = new ArrayList<>();
        for (int index = 0; index < rule.steps.size(); index++) {
            Step step = rule.steps.get(index);
            List<EventCondition> own = new ArrayList<>();
            List<CompiledRule.CaptureCheck> stepChecks = new ArrayList<>();
            for (ConditionSpec conjunct : step.where.conjuncts()) {
                if (conjunct.kind == ConditionSpec.Kind.FIELD
                        && conjunct.operator == ConditionSpec.Operator.EQUALS_CAPTURE) {
                    String capture = conjunct.values.get(0);
                    int[] definition = captures.get(capture);
                    Step defining = rule.steps.get(definition[0]);
                    boolean ignoreCase = conjunct.ignoresCase() || IamNames.isNameField(defining.captures.get(capture));
                    stepChecks.add(new CompiledRule.CaptureCheck(slot(slots, conjunct.field), defining.name,
                            definition[1], ignoreCase));
                } else {
                    own.add(Conditions.compile(conjunct, lists));
                }
            }
            conditions[index] = own.isEmpty() ? new Conditions.Constant(true) : Conditions.allOf(own);
            checks.add(stepChecks);
            for (Map.Entry<String, String> capture : step.captures.entrySet()) {
                captures.put(capture.getKey(), new int[] {index, slot(slots, capture.getValue())});
            }
        }
        FieldRef[] slotFields = slots.keySet().stream().map(FieldRef::new).toArray(FieldRef[]::new);
        List<CompiledRule.Context> context = new ArrayList<>();
        for (ContextField field : rule.context) {
            context.add(new CompiledRule.Context(field.label,
                    field.fields.stream().map(FieldRef::new).toArray(FieldRef[]::new), field.transform,
                    field.filter == null ? null : Conditions.valueTest(field.filter, lists)));
        }
        return new CompiledRule(rule, conditions, checks, slotFields, captures, context);
    }

    private static int slot(Map<String, Integer> slots, String path) {
        return slots.computeIfAbsent(path, unused -> slots.size());
    }
}
