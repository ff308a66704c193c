package io.trailwarden.respond;

import io.trailwarden.finding.Target;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.arns.ArnResource;

/** ARN arithmetic for IAM identities. */
public final class IamNames {
    private IamNames() {}

    /** The partition of an ARN ({@code aws}, {@code aws-us-gov}, ...), {@code aws} when unknown. */
    public static String partition(String arn) {
        return arn == null ? "aws" : Arn.tryFromString(arn).map(Arn::partition).orElse("aws");
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
        return arn == null ? null : Arn.tryFromString(arn).map(Arn::resource)
                .filter(resource -> resource.resourceType().filter("assumed-role"::equals).isPresent())
                .flatMap(ArnResource::qualifier)
                .orElse(null);
    }
}
