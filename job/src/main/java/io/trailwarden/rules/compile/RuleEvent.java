package io.trailwarden.rules.compile;

import io.trailwarden.event.CloudTrailEvent;

/**
 * An event as one rule's pre-filter saw it: which of the rule's steps it satisfies (a bit per step),
 * the rule's key for it, and the values its captures and capture comparisons need. Conditions are
 * evaluated once, before the shuffle; after it, pattern conditions are bit tests and string
 * equalities. A Flink POJO (it crosses keyBy and lives in CEP and threshold state).
 */
public class RuleEvent {
    public CloudTrailEvent event;
    public String key;
    /** Bit i set: the event satisfies step i's own conditions (capture comparisons aside). */
    public int steps;
    /** Index of the lowest set bit: orders events of one second by step (see {@link StepOrder}). */
    public int firstStep;
    /** Values of the rule's value slots (see {@link CompiledRule#slotFields}); null where absent. */
    public String[] values;
    /** Threshold rules with {@code distinct}: every value this event contributes to the count; else null. */
    public String[] distinct;

    public RuleEvent() {}

    public boolean matches(int step) {
        return (steps & (1 << step)) != 0;
    }

    @Override
    public String toString() {
        return "RuleEvent{" + event + ", key=" + key + ", steps=" + Integer.toBinaryString(steps) + "}";
    }
}
