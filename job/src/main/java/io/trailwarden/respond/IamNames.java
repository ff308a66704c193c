package io.trailwarden.respond;

import io.trailwarden.finding.Target;

/** ARN arithmetic for IAM identities. */
public final class IamNames {
    private IamNames() {}

    /** The partition of an ARN ({@code aws}, {@code aws-us-gov}, ...), {@code aws} when unknown. */
    public static String partition(String arn) {
        if (arn != null && arn.startsWith("arn:")) {
            int end = arn.indexOf(':', 4);
            if (end > 4) {
                return arn.substring(4, end);
            }
        }
        return "aws";
    }

    /** The user's or role's own IAM ARN (not a session ARN), built from name and account. */
    public static String identityArn(Target target) {
        String kind = target.kind == Target.Kind.IAM_ROLE ? "role" : "user";
        return "arn:" + partition(target.arn) + ":iam::" + target.accountId + ":" + kind + "/" + target.name;
    }

    public static String roleArn(String partition, String accountId, String roleName) {
        return "arn:" + partition + ":iam::" + accountId + ":role/" + roleName;
    }

    /** The session name of an {@code assumed-role/ROLE/SESSION} ARN, or null. */
    public static String sessionName(String arn) {
        if (arn == null || !arn.contains(":assumed-role/")) {
            return null;
        }
        int slash = arn.lastIndexOf('/');
        return slash < 0 ? null : arn.substring(slash + 1);
    }
}
