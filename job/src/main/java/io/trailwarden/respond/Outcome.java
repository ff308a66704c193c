package io.trailwarden.respond;

/** What became of one planned action. */
public enum Outcome {
    /** Carried out now. */
    DONE,
    /** Nothing to change: an earlier run (or a replay of this finding) already did it. */
    ALREADY_DONE,
    /** Dry-run: planned, reported, nothing changed. */
    DRY_RUN,
    /** The target is a protected principal. */
    SKIPPED_PROTECTED,
    /** The blast-radius cap was reached: held as a pending action until a human approves it. */
    HELD_BY_CAP,
    /** IAM cannot contain it (root, AWS service, federated) or it lives outside the configured accounts. */
    SKIPPED_NOT_CONTAINABLE,
    /** Every matched call was made by a principal of TrailWarden.Lists trustedAutomation: alerted, not contained. */
    SKIPPED_TRUSTED_AUTOMATION,
    /** The finding was triggered by TrailWarden's own calls (loop guard). */
    IGNORED_OWN_ACTIVITY,
    /** Started; its own audit record and a follow-up alert say how it ended. */
    STARTED,
    /** Some steps hold and some do not (the detail says which); retried, and escalated. */
    PARTIAL,
    /** Tried and failed; retried with backoff until {@code retryFor}, every attempt also a dead letter. */
    FAILED
}
