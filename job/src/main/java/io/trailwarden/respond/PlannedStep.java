package io.trailwarden.respond;

import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
import java.util.Objects;

/** One action after the safety rails: what will happen and why. A Flink POJO. */
public class PlannedStep {
    public PlannedAction.Type type = PlannedAction.Type.ALERT;
    public Target target;
    public Decision decision = Decision.EXECUTE;
    /** Why the decision is what it is; shown in the alert. */
    public String reason;

    public PlannedStep() {}

    public static PlannedStep of(PlannedAction.Type type, Target target, Decision decision, String reason) {
        PlannedStep step = new PlannedStep();
        step.type = type;
        step.target = target;
        step.decision = decision;
        step.reason = reason;
        return step;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PlannedStep)) {
            return false;
        }
        PlannedStep other = (PlannedStep) o;
        return type == other.type && decision == other.decision && Objects.equals(target, other.target)
                && Objects.equals(reason, other.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, target, decision, reason);
    }

    @Override
    public String toString() {
        return type + " " + target + " -> " + decision + (reason == null ? "" : ": " + reason);
    }
}
