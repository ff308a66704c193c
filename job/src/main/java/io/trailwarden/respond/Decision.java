package io.trailwarden.respond;

/** What the planner decided for one action, before anything is executed. */
public enum Decision {
    EXECUTE,
    DRY_RUN,
    SKIPPED_PROTECTED,
    HELD_BY_CAP,
    SKIPPED_NOT_CONTAINABLE,
    SKIPPED_TRUSTED_AUTOMATION,
    IGNORED_OWN_ACTIVITY;

    /** The outcome of an action that is not executed; EXECUTE has none until it runs. */
    public Outcome outcomeWithoutExecution() {
        switch (this) {
            case DRY_RUN:
                return Outcome.DRY_RUN;
            case SKIPPED_PROTECTED:
                return Outcome.SKIPPED_PROTECTED;
            case HELD_BY_CAP:
                return Outcome.HELD_BY_CAP;
            case SKIPPED_NOT_CONTAINABLE:
                return Outcome.SKIPPED_NOT_CONTAINABLE;
            case SKIPPED_TRUSTED_AUTOMATION:
                return Outcome.SKIPPED_TRUSTED_AUTOMATION;
            case IGNORED_OWN_ACTIVITY:
                return Outcome.IGNORED_OWN_ACTIVITY;
            default:
                throw new IllegalStateException(this + " is executed, it has no outcome before it runs");
        }
    }
}
