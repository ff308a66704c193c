package io.trailwarden.respond;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Undoes a quarantine exactly: removes TrailWarden's policy only, reactivates only the keys its tags
 * say it deactivated, and records the release in tags. A deleted console password cannot come back;
 * release says so and how to set a new one.
 */
public final class Release {
    private final AwsClients clients;
    private final String policyName;
    private final Supplier<Instant> clock;

    public Release(AwsClients clients, String policyName, Supplier<Instant> clock) {
        this.clients = clients;
        this.policyName = policyName;
        this.clock = clock;
    }

    /** The lines of the release report, in the order things were done. */
    /**
     * @param keys the access keys the containment's audit record says it deactivated (its alert prints
     *     them in the release command): needed when the user's tags could not hold the record
     * @param managedDeny the audit record says the AWS-managed deny-all was attached
     */
    public List<String> releaseUser(String accountId, String userName, List<String> keys, boolean managedDeny) {
        IamClient iam = clients.iamFor(accountId, "aws");
        List<String> report = new ArrayList<>();
        Map<String, String> tags = IamContainment.userTags(iam, userName);
        try {
            iam.deleteUserPolicy(r -> r.userName(userName).policyName(policyName));
            report.add("removed inline policy " + policyName + " from user " + userName);
        } catch (NoSuchEntityException e) {
            report.add("user " + userName + " has no inline policy " + policyName);
        }
        if (managedDeny || IamContainment.AWS_DENY_ALL.equals(tags.get(QuarantineTags.POLICY))) {
            detachDenyAll(report, "user " + userName, arn -> iam.detachUserPolicy(r -> r.userName(userName).policyArn(arn)));
        }

        Set<String> recorded = new LinkedHashSet<>(IamContainment.splitList(tags.get(QuarantineTags.DEACTIVATED_KEYS)));
        recorded.addAll(keys);
        List<String> reactivated = new ArrayList<>();
        for (AccessKeyMetadata key : iam.listAccessKeysPaginator(r -> r.userName(userName)).accessKeyMetadata()) {
            if (recorded.remove(key.accessKeyId()) && key.status() == StatusType.INACTIVE) {
                iam.updateAccessKey(r -> r.userName(userName).accessKeyId(key.accessKeyId()).status(StatusType.ACTIVE));
                reactivated.add(key.accessKeyId());
                report.add("reactivated access key " + key.accessKeyId());
            }
        }
        for (String missing : recorded) {
            report.add("access key " + missing + " was deactivated by TrailWarden but no longer exists");
        }
        if (reactivated.isEmpty() && !tags.containsKey(QuarantineTags.DEACTIVATED_KEYS) && keys.isEmpty()) {
            report.add("no access key was deactivated by TrailWarden; none reactivated");
        }

        String deletedAt = tags.get(QuarantineTags.LOGIN_PROFILE_DELETED);
        if (deletedAt != null) {
            report.add("the console password was deleted at " + deletedAt + " and cannot be restored; to give "
                    + userName + " console access again, set a new one: aws iam create-login-profile --user-name "
                    + userName + " --password-reset-required --password '<temporary password>'");
        }

        Map<String, String> released = new LinkedHashMap<>();
        released.put(QuarantineTags.RELEASED_AT, clock.get().truncatedTo(ChronoUnit.SECONDS).toString());
        released.put(QuarantineTags.REACTIVATED_KEYS, reactivated.isEmpty() ? "none" : String.join(" ", reactivated));
        if (!recordInTags(report, () -> iam.tagUser(r -> r.userName(userName).tags(IamContainment.toTags(released))))) {
            return report;
        }
        // Forget the deactivated keys, so a second release cannot reactivate a key someone disabled since.
        List<String> obsolete = new ArrayList<>();
        for (String key : List.of(QuarantineTags.DEACTIVATED_KEYS, QuarantineTags.LOGIN_PROFILE_DELETED)) {
            if (tags.containsKey(key)) {
                obsolete.add(key);
            }
        }
        if (!obsolete.isEmpty()) {
            iam.untagUser(r -> r.userName(userName).tagKeys(obsolete));
        }
        report.add("recorded the release in tag " + QuarantineTags.RELEASED_AT);
        return report;
    }

    /** Detaches the AWS-managed deny-all the containment fell back to. */
    private static void detachDenyAll(List<String> report, String identity, java.util.function.Consumer<String> detach) {
        String arn = IamContainment.denyAllArn("aws");
        try {
            detach.accept(arn);
            report.add("detached " + arn + " from " + identity);
        } catch (NoSuchEntityException e) {
            report.add(identity + " has no " + arn + " attached");
        }
    }

    private static boolean recordInTags(List<String> report, Runnable tag) {
        try {
            tag.run();
            return true;
        } catch (SdkException e) {
            report.add("could not record the release in tags (" + e.getMessage() + "); the release is done");
            return false;
        }
    }

    public List<String> releaseRole(String accountId, String roleName, boolean managedDeny) {
        IamClient iam = clients.iamFor(accountId, "aws");
        List<String> report = new ArrayList<>();
        try {
            iam.deleteRolePolicy(r -> r.roleName(roleName).policyName(policyName));
            report.add("removed inline policy " + policyName + " from role " + roleName
                    + "; its sessions work again, including unexpired ones issued before the cut-off");
        } catch (NoSuchEntityException e) {
            report.add("role " + roleName + " has no inline policy " + policyName);
        }
        if (managedDeny || IamContainment.AWS_DENY_ALL.equals(IamContainment.roleTags(iam, roleName).get(QuarantineTags.POLICY))) {
            detachDenyAll(report, "role " + roleName, arn -> iam.detachRolePolicy(r -> r.roleName(roleName).policyArn(arn)));
        }
        Map<String, String> released = new LinkedHashMap<>();
        released.put(QuarantineTags.RELEASED_AT, clock.get().truncatedTo(ChronoUnit.SECONDS).toString());
        if (recordInTags(report, () -> iam.tagRole(r -> r.roleName(roleName).tags(IamContainment.toTags(released))))) {
            report.add("recorded the release in tag " + QuarantineTags.RELEASED_AT);
        }
        return report;
    }
}
