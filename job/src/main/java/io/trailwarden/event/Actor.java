package io.trailwarden.event;

import java.util.Objects;

/**
 * The acting identity of a CloudTrail record, normalised across identity types. A Flink POJO: public
 * fields and a no-argument constructor keep serialization off Kryo.
 */
public class Actor {
    public IdentityType type = IdentityType.UNKNOWN;
    /** The identity's ARN; for an assumed role, the session ARN ({@code assumed-role/ROLE/SESSION}). */
    public String arn;
    public String accountId;
    /** IAM user name, or the role name for assumed roles, or "root". */
    public String userName;
    public String principalId;
    /** For assumed roles: the ARN of the role that issued the session. */
    public String sessionIssuerArn;
    public String sessionIssuerName;
    public String accessKeyId;
    /** Null when the record does not say. */
    public Boolean mfaAuthenticated;
    /** The AWS service that made the call on the identity's behalf, if any. */
    public String invokedBy;
    /** Set (as written, e.g. {@code "2.0"}) when the session's credentials are an EC2 instance role's. */
    public String ec2RoleDelivery;

    public Actor() {}

    /**
     * The key that groups one identity's activity: an assumed-role session is its own principal, so
     * two sessions of one role are not merged into one incident.
     */
    public String principalKey() {
        if (arn != null) {
            return arn;
        }
        if (principalId != null) {
            return (accountId == null ? "" : accountId + ":") + principalId;
        }
        return type.cloudTrailName() + ":" + (accountId == null ? "unknown" : accountId);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Actor)) {
            return false;
        }
        Actor other = (Actor) o;
        return type == other.type
                && Objects.equals(arn, other.arn)
                && Objects.equals(accountId, other.accountId)
                && Objects.equals(userName, other.userName)
                && Objects.equals(principalId, other.principalId)
                && Objects.equals(sessionIssuerArn, other.sessionIssuerArn)
                && Objects.equals(sessionIssuerName, other.sessionIssuerName)
                && Objects.equals(accessKeyId, other.accessKeyId)
                && Objects.equals(mfaAuthenticated, other.mfaAuthenticated)
                && Objects.equals(invokedBy, other.invokedBy)
                && Objects.equals(ec2RoleDelivery, other.ec2RoleDelivery);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, arn, accountId, userName, principalId, accessKeyId);
    }

    @Override
    public String toString() {
        return type.cloudTrailName() + " " + principalKey();
    }
}
