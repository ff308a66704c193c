package io.trailwarden.rules.runtime;

import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.compile.RuleEvent;
import io.trailwarden.rules.compile.StepCondition;
import io.trailwarden.rules.compile.StepOrder;
import io.trailwarden.rules.model.Rule;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * One stateful rule evaluated over a list of its events, outside CEP, with the step conditions the CEP
 * pattern uses ({@link CompiledRules#stepConditions}). It reproduces what the in-order path decides:
 *
 * <ul>
 *   <li>sequences as flink-cep runs the pattern: events in timestamp order, ties by {@link StepOrder};
 *       every event that satisfies the first step opens a partial match (no after-match skip); a
 *       partial match takes the first later event that satisfies its next step (relaxed contiguity)
 *       and is dropped once an event is {@code span} or more after its first one; with an absent step,
 *       a partial match that has all positive steps completes when its window has passed without the
 *       absent step;</li>
 *   <li>thresholds as {@link ThresholdFunction} counts them.</li>
 * </ul>
 *
 * <p>Only events at or before {@code watermark} are looked at, as CEP and the threshold function only
 * act on what the watermark has passed.
 */
final class EventTimeEvaluator implements Serializable {
    private static final long serialVersionUID = 1L;
    static final Comparator<RuleEvent> EVENT_TIME_ORDER =
            Comparator.<RuleEvent>comparingLong(event -> event.event.eventTimeMillis).thenComparing(new StepOrder());

    private final CompiledRule rule;
    private final StepCondition[] steps;
    private final long spanMillis;

    EventTimeEvaluator(CompiledRule rule) {
        this.rule = rule;
        this.steps = rule.kind == Rule.Kind.SEQUENCE ? CompiledRules.stepConditions(rule) : new StepCondition[0];
        this.spanMillis = rule.span().toMillis();
    }

    /** A completed sequence or a threshold window that reached its count. */
    static final class Match {
        /** Sequences: the event each positive step took. Thresholds: the window's events, in order. */
        final RuleEvent[] events;
        /** The event time at which the in-order path would emit it. */
        final long completesAt;

        Match(RuleEvent[] events, long completesAt) {
            this.events = events;
            this.completesAt = completesAt;
        }

        long start() {
            return events[0].event.eventTimeMillis;
        }

        boolean containsAny(Predicate<RuleEvent> test) {
            for (RuleEvent event : events) {
                if (test.test(event)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The partial match of one first step: what CEP keeps as a computation state. */
    private final class Partial implements StepCondition.PartialMatch {
        final RuleEvent[] taken = new RuleEvent[rule.positiveStepCount()];
        int next;

        @Override
        public RuleEvent first(String stepName) {
            for (int step = 0; step < next; step++) {
                if (rule.stepNames[step].equals(stepName)) {
                    return taken[step];
                }
            }
            return null;
        }
    }

    /** The sequences that complete by {@code watermark} among {@code sorted} (in {@link #EVENT_TIME_ORDER}). */
    List<Match> sequences(List<RuleEvent> sorted, long watermark) throws Exception {
        int positives = rule.positiveStepCount();
        List<Partial> open = new ArrayList<>();
        List<Match> matches = new ArrayList<>();
        for (RuleEvent event : sorted) {
            long time = event.event.eventTimeMillis;
            if (time > watermark) {
                break;
            }
            for (Iterator<Partial> it = open.iterator(); it.hasNext(); ) {
                Partial partial = it.next();
                long start = partial.taken[0].event.eventTimeMillis;
                if (time - start >= spanMillis) {
                    it.remove();
                    if (partial.next == positives) {
                        matches.add(new Match(partial.taken, start + spanMillis));
                    }
                } else if (partial.next < positives) {
                    if (steps[partial.next].accepts(event, partial)) {
                        partial.taken[partial.next++] = event;
                        if (partial.next == positives && !rule.hasAbsentStep) {
                            it.remove();
                            matches.add(new Match(partial.taken, time));
                        }
                    }
                } else if (steps[positives].accepts(event, partial)) {
                    it.remove();
                }
            }
            Partial started = new Partial();
            if (steps[0].accepts(event, started)) {
                started.taken[started.next++] = event;
                if (positives == 1 && !rule.hasAbsentStep) {
                    matches.add(new Match(started.taken, time));
                } else {
                    open.add(started);
                }
            }
        }
        for (Partial partial : open) {
            long completesAt = partial.taken[0].event.eventTimeMillis + spanMillis;
            if (partial.next == positives && completesAt <= watermark) {
                matches.add(new Match(partial.taken, completesAt));
            }
        }
        return matches;
    }

    /**
     * The threshold findings among {@code sorted} (in {@link #EVENT_TIME_ORDER}) up to {@code watermark},
     * counted as {@link ThresholdFunction} counts: events enter the window in order, what left it is
     * dropped, and a window that reaches the count is a finding and is emptied.
     */
    List<Match> thresholds(List<RuleEvent> sorted, long watermark) {
        long windowMillis = rule.within.toMillis();
        List<Match> matches = new ArrayList<>();
        List<RuleEvent> window = new ArrayList<>();
        for (RuleEvent event : sorted) {
            long time = event.event.eventTimeMillis;
            if (time > watermark) {
                break;
            }
            window.removeIf(entry -> entry.event.eventTimeMillis <= time - windowMillis);
            if (ThresholdFunction.add(rule, window, event) && ThresholdFunction.count(rule, window) >= rule.atLeast) {
                matches.add(new Match(window.toArray(new RuleEvent[0]), time));
                window.clear();
            }
        }
        return matches;
    }
}
