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
    /** The blast-radius cap was reached. */
    SKIPPED_CAP,
    /** IAM cannot contain it (root, AWS service, federated) or it lives outside the configured accounts. */
    SKIPPED_NOT_CONTAINABLE,
    /** The finding was triggered by TrailWarden's own calls (loop guard). */
    IGNORED_OWN_ACTIVITY,
    /** Tried and failed after retries; also sent to the dead-letter output. */
    FAILED
}
