package io.trailwarden.rules.compile;

import java.util.Iterator;
import java.util.List;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A sequence step's condition. The event's own conditions were evaluated by the pre-filter (a bit
 * test here); what is left is comparing with captures of earlier steps of the same partial match. CEP
 * asks it through {@link #filter}; the late-delivery path asks the same object through
 * {@link #accepts}, with its own partial match, so both paths judge a step alike.
 */
public class StepCondition extends IterativeCondition<RuleEvent> {
    private static final long serialVersionUID = 1L;
    private final int step;
    private final List<CompiledRule.CaptureCheck> checks;
    /** When positive: the span from the first step's event to this one must stay below it (absent rules). */
    private final long maxSpanMillis;
    private final String firstStepName;

    /** The events a partial match has taken so far, by step name. */
    public interface PartialMatch {
        /** The first event taken for the step, or null. */
        RuleEvent first(String stepName) throws Exception;
    }

    public StepCondition(CompiledRule rule, int step, long maxSpanMillis) {
        this.step = step;
        this.checks = rule.captureChecks.get(step);
        this.maxSpanMillis = maxSpanMillis;
        this.firstStepName = rule.stepNames[0];
    }

    @Override
    public boolean filter(RuleEvent candidate, Context<RuleEvent> context) throws Exception {
        return accepts(candidate, stepName -> {
            Iterator<RuleEvent> events = context.getEventsForPattern(stepName).iterator();
            return events.hasNext() ? events.next() : null;
        });
    }

    public boolean accepts(RuleEvent candidate, PartialMatch partial) throws Exception {
        if (!candidate.matches(step)) {
            return false;
        }
        for (CompiledRule.CaptureCheck check : checks) {
            RuleEvent defining = partial.first(check.definingStep);
            if (defining == null || !check.holds(candidate, defining)) {
                return false;
            }
        }
        if (maxSpanMillis > 0) {
            RuleEvent first = partial.first(firstStepName);
            return first != null && candidate.event.eventTimeMillis - first.event.eventTimeMillis < maxSpanMillis;
        }
        return true;
    }
}
