package io.trailwarden.finding;

import java.util.Objects;

/** One step of a finding's response, as planned; the response planner may downgrade it and says why. */
public class PlannedAction {
    public enum Type {
        /** Contain an IAM user or role (the responder picks the steps by target kind). */
        CONTAIN,
        /** Publish the alert. Every finding has one. */
        ALERT
    }

    public Type type = Type.ALERT;
    public Target target;
    public boolean dryRun = true;
    /** Why the action is what it is ("dry-run by configuration", "protected principal", ...). */
    public String note;

    public PlannedAction() {}

    public static PlannedAction of(Type type, Target target, boolean dryRun, String note) {
        PlannedAction action = new PlannedAction();
        action.type = type;
        action.target = target;
        action.dryRun = dryRun;
        action.note = note;
        return action;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PlannedAction)) {
            return false;
        }
        PlannedAction other = (PlannedAction) o;
        return type == other.type
                && dryRun == other.dryRun
                && Objects.equals(target, other.target)
                && Objects.equals(note, other.note);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, target, dryRun, note);
    }

    @Override
    public String toString() {
        return type + (target == null ? "" : " " + target) + (dryRun ? " (dry-run)" : "")
                + (note == null ? "" : ": " + note);
    }
}
