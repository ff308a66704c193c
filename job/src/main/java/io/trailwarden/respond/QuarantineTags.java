package io.trailwarden.respond;

/**
 * The tags TrailWarden writes on a contained identity: the record {@code release} undoes it from. IAM
 * tag values allow letters, digits, spaces and {@code _.:/=+-@}, so lists are space-separated.
 */
public final class QuarantineTags {
    public static final String FINDING_ID = "trailwarden:finding-id";
    public static final String CONTAINED_AT = "trailwarden:contained-at";
    public static final String POLICY = "trailwarden:quarantine-policy";
    /** Access keys TrailWarden deactivated: the only keys release reactivates. */
    public static final String DEACTIVATED_KEYS = "trailwarden:deactivated-keys";
    public static final String LOGIN_PROFILE_DELETED = "trailwarden:login-profile-deleted";
    public static final String SESSIONS_REVOKED_BEFORE = "trailwarden:sessions-revoked-before";
    public static final String RELEASED_AT = "trailwarden:released-at";
    public static final String REACTIVATED_KEYS = "trailwarden:reactivated-keys";

    private QuarantineTags() {}
}
