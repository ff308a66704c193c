package io.trailwarden.finding;

import java.util.Objects;

/** The identity a finding's response acts on: the created user, the key's user, the acting principal. */
public class Target {
    public enum Kind {
        IAM_USER,
        IAM_ROLE,
        ROOT,
        /** AWS services, federated and Identity Center users: nothing IAM can contain directly. */
        OTHER
    }

    public Kind kind = Kind.OTHER;
    /** User or role name; for an assumed-role session, the role's name. */
    public String name;
    public String arn;
    public String accountId;

    public Target() {}

    public static Target of(Kind kind, String name, String arn, String accountId) {
        Target target = new Target();
        target.kind = kind;
        target.name = name;
        target.arn = arn;
        target.accountId = accountId;
        return target;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Target)) {
            return false;
        }
        Target other = (Target) o;
        return kind == other.kind
                && Objects.equals(name, other.name)
                && Objects.equals(arn, other.arn)
                && Objects.equals(accountId, other.accountId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name, arn, accountId);
    }

    @Override
    public String toString() {
        return kind + " " + (arn != null ? arn : name);
    }
}
