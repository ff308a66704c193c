package io.trailwarden.rules.model;

import java.io.Serializable;

/** What a finding of the rule asks the responders to contain; every finding is alerted on regardless. */
public final class ResponseSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Contain {
        /** Alert only. */
        NONE,
        /** The identity that made the (first) matched call. */
        ACTOR,
        /** The IAM user named by a field of the matched event (for sequences: of the last step's event). */
        USER_FROM_FIELD,
        /** The IAM user named by a sequence capture. */
        USER_FROM_CAPTURE,
        /**
         * The identity that made the call of the named sequence step: when the steps have different
         * actors and the one to contain is not the first (TrailWarden's own quarantine, then someone
         * undoing it).
         */
        ACTOR_OF_STEP
    }

    public Contain contain = Contain.NONE;
    /** The field path, capture name or step name, for the USER_FROM_* and ACTOR_OF_STEP modes. */
    public String reference;
    /**
     * Why the rule contains or only alerts, as its author wrote it: findings carry it, so the person who
     * reads the alert knows why the identity was (or was not) quarantined.
     */
    public String reason;
}
