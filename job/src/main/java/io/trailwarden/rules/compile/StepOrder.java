package io.trailwarden.rules.compile;

import org.apache.flink.cep.EventComparator;

/**
 * Orders events that share a timestamp by the earliest rule step they satisfy (then by event id, so
 * the order is deterministic).
 *
 * <p>Why: CloudTrail times have one-second resolution and records of one second arrive in any order;
 * the Stratus iam-create-admin-user detonation records AttachUserPolicy and CreateAccessKey before the
 * CreateUser they depend on, all in one second. CEP sorts buffered events by timestamp and hands ties
 * to this comparator, so within one second the steps are tried in the rule's order and such a
 * sequence still matches. The trade-off: within one second the engine cannot tell real order from
 * delivery order, so steps written in the reverse order inside one second also match; a second's
 * resolution cannot support a finer claim.
 */
public class StepOrder implements EventComparator<RuleEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(RuleEvent a, RuleEvent b) {
        int byStep = Integer.compare(a.firstStep, b.firstStep);
        if (byStep != 0) {
            return byStep;
        }
        String left = a.event.eventId == null ? "" : a.event.eventId;
        String right = b.event.eventId == null ? "" : b.event.eventId;
        return left.compareTo(right);
    }
}
