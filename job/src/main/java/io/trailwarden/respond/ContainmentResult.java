package io.trailwarden.respond;

import java.util.List;

/**
 * What one containment did to the account, and the record {@code release} needs to undo exactly that.
 * The record travels in the audit stream (and the alert), where the target's own quotas cannot block it.
 */
public final class ContainmentResult {
    public final Outcome outcome;
    public final String detail;
    /** Access keys this containment (or an earlier one, per the tags) deactivated. */
    public final List<String> deactivatedKeys;
    /** True when the AWS-managed deny-all policy was attached because the inline one could not be written. */
    public final boolean managedDenyAttached;
    /** The user's name now, when it was renamed since the finding (and found by its keys); else null. */
    public final String renamedTo;

    public ContainmentResult(Outcome outcome, String detail) {
        this(outcome, detail, List.of(), false);
    }

    public ContainmentResult(Outcome outcome, String detail, List<String> deactivatedKeys, boolean managedDenyAttached) {
        this(outcome, detail, deactivatedKeys, managedDenyAttached, null);
    }

    private ContainmentResult(Outcome outcome, String detail, List<String> deactivatedKeys, boolean managedDenyAttached,
            String renamedTo) {
        this.outcome = outcome;
        this.detail = detail;
        this.deactivatedKeys = List.copyOf(deactivatedKeys);
        this.managedDenyAttached = managedDenyAttached;
        this.renamedTo = renamedTo;
    }

    /** This containment, of a user found under {@code name}: its release must name the user as it is now. */
    ContainmentResult renamedTo(String name) {
        return new ContainmentResult(outcome, detail, deactivatedKeys, managedDenyAttached, name);
    }

    @Override
    public String toString() {
        return outcome + ": " + detail;
    }
}
