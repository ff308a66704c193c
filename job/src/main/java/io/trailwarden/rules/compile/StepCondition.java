package io.trailwarden.rules.compile;

import java.util.Iterator;
import java.util.List;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A sequence step's CEP condition. The event's own conditions were evaluated by the pre-filter (a bit
 * test here); what is left is comparing with captures of earlier steps of the same partial match.
 */
public class StepCondition extends IterativeCondition<RuleEvent> {
    private static final long serialVersionUID = 1L;
    private final int step;
    private final List<CompiledRule.CaptureCheck> checks;
    /** When positive: the span from the first step's event to this one must stay below it (absent rules). */
    private final long maxSpanMillis;
    private final String firstStepName;

    public StepCondition(CompiledRule rule, int step, long maxSpanMillis) {
        this.step = step;
        this.checks = rule.captureChecks.get(step);
        this.maxSpanMillis = maxSpanMillis;
        this.firstStepName = rule.stepNames[0];
    }

    @Override
    public boolean filter(RuleEvent candidate, Context<RuleEvent> context) throws Exception {
        if (!candidate.matches(step)) {
            return false;
        }
        for (CompiledRule.CaptureCheck check : checks) {
            Iterator<RuleEvent> defining = context.getEventsForPattern(check.definingStep).iterator();
            if (!defining.hasNext() || !check.holds(candidate, defining.next())) {
                return false;
            }
        }
        if (maxSpanMillis > 0) {
            Iterator<RuleEvent> first = context.getEventsForPattern(firstStepName).iterator();
            return first.hasNext()
                    && candidate.event.eventTimeMillis - first.next().event.eventTimeMillis < maxSpanMillis;
        }
        return true;
    }
}
