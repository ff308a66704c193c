package io.trailwarden.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Target;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Contains an IAM user or role, following the AWS incident-response playbooks: cut off, don't destroy.
 * Every step first reads, then changes only what is not yet as wanted, so a replayed finding changes
 * nothing and reports "already contained".
 */
public final class IamContainment {
    private final AwsClients clients;
    private final String policyName;
    private final Supplier<Instant> clock;

    public IamContainment(AwsClients clients, String policyName, Supplier<Instant> clock) {
        this.clients = clients;
        this.policyName = policyName;
        this.clock = clock;
    }

    public ContainmentResult contain(Target target, String findingId, Instant findingTime) {
        String self = clients.callerArn();
        if (isIdentity(target, self)) {
            return new ContainmentResult(Outcome.SKIPPED_PROTECTED,
                    "the responder's own identity (" + self + "): never contained");
        }
        IamClient iam = clients.iamFor(target.accountId, IamNames.partition(target.arn));
        if (target.kind == Target.Kind.IAM_USER) {
            return containUser(iam, target.name, findingId);
        }
        if (target.kind == Target.Kind.IAM_ROLE) {
            return containRole(iam, target.name, findingId, findingTime);
        }
        throw new IllegalArgumentException("IAM cannot contain a " + target.kind + " target");
    }

    /** True when the caller ARN (a user, or a session of a role) is the target's user or role. */
    static boolean isIdentity(Target target, String callerArn) {
        if (callerArn == null || target.accountId == null || !callerArn.contains(":" + target.accountId + ":")) {
            return false;
        }
        String resource = callerArn.substring(callerArn.lastIndexOf(':') + 1);
        if (target.kind == Target.Kind.IAM_USER) {
            return resource.startsWith("user/") && resource.endsWith("/" + target.name);
        }
        String[] session = resource.split("/");
        return target.kind == Target.Kind.IAM_ROLE && session.length == 3 && session[0].equals("assumed-role")
                && session[1].equals(target.name);
    }

    /** Deny-all policy, every active key deactivated, console password removed; tagged with what changed. */
    ContainmentResult containUser(IamClient iam, String userName, String findingId) {
        String wanted = denyAll(null);
        boolean policyInPlace = wanted.equals(normalise(userPolicy(iam, userName)));
        List<String> activeKeys = new ArrayList<>();
        for (AccessKeyMetadata key : iam.listAccessKeysPaginator(r -> r.userName(userName)).accessKeyMetadata()) {
            if (key.status() == StatusType.ACTIVE) {
                activeKeys.add(key.accessKeyId());
            }
        }
        boolean hasLoginProfile = hasLoginProfile(iam, userName);
        if (policyInPlace && activeKeys.isEmpty() && !hasLoginProfile) {
            return new ContainmentResult(Outcome.ALREADY_DONE, "already contained: policy " + policyName
                    + " attached, no active access key, no console password");
        }

        List<String> changes = new ArrayList<>();
        // The policy first: it cuts every permission at once, keys and password included.
        if (!policyInPlace) {
            iam.putUserPolicy(r -> r.userName(userName).policyName(policyName).policyDocument(wanted));
            changes.add("attached deny-all inline policy " + policyName);
        }
        String now = clock.get().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(QuarantineTags.FINDING_ID, findingId);
        tags.put(QuarantineTags.CONTAINED_AT, now);
        tags.put(QuarantineTags.POLICY, policyName);
        // The record of what is about to change is written first: if the job dies half-way, the replay
        // finds these keys already inactive and would not know to list them, and release would never
        // reactivate them.
        if (!activeKeys.isEmpty()) {
            Set<String> deactivated = new LinkedHashSet<>(splitList(userTags(iam, userName).get(QuarantineTags.DEACTIVATED_KEYS)));
            deactivated.addAll(activeKeys);
            tags.put(QuarantineTags.DEACTIVATED_KEYS, String.join(" ", deactivated));
        }
        if (hasLoginProfile) {
            tags.put(QuarantineTags.LOGIN_PROFILE_DELETED, now);
        }
        iam.tagUser(r -> r.userName(userName).tags(toTags(tags)));
        for (String keyId : activeKeys) {
            iam.updateAccessKey(r -> r.userName(userName).accessKeyId(keyId).status(StatusType.INACTIVE));
            changes.add("deactivated access key " + keyId);
        }
        if (hasLoginProfile) {
            try {
                iam.deleteLoginProfile(r -> r.userName(userName));
                changes.add("deleted the console password (login profile)");
            } catch (NoSuchEntityException gone) {
                changes.add("console password was already gone");
            }
        }
        return new ContainmentResult(Outcome.DONE, "user " + userName + ": " + String.join("; ", changes));
    }

    /**
     * A role cannot lose its credentials the way a user can: its live sessions are revoked by denying
     * everything to tokens issued before the cut-off, which leaves sessions issued after a release working.
     * The cut-off is the end of the finding's last event second: CloudTrail records whole seconds, and a
     * session opened in that same second must be revoked too.
     */
    ContainmentResult containRole(IamClient iam, String roleName, String findingId, Instant findingTime) {
        Instant cutoff = findingTime.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        String existing = normalise(rolePolicy(iam, roleName));
        Instant existingCutoff = existing == null ? null : tokenIssueCutoff(existing);
        if (existingCutoff != null && !existingCutoff.isBefore(cutoff)) {
            return new ContainmentResult(Outcome.ALREADY_DONE, "already contained: role " + roleName
                    + " denies sessions issued before " + existingCutoff);
        }
        String now = clock.get().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(QuarantineTags.FINDING_ID, findingId);
        tags.put(QuarantineTags.CONTAINED_AT, now);
        tags.put(QuarantineTags.POLICY, policyName);
        tags.put(QuarantineTags.SESSIONS_REVOKED_BEFORE, cutoff.toString());
        iam.tagRole(r -> r.roleName(roleName).tags(toTags(tags)));
        iam.putRolePolicy(r -> r.roleName(roleName).policyName(policyName).policyDocument(denyAll(cutoff)));
        return new ContainmentResult(Outcome.DONE, "role " + roleName + ": attached deny-all inline policy "
                + policyName + " for sessions issued before " + cutoff);
    }

    /** The quarantine policy: deny everything; for roles, only to tokens issued before the cut-off. */
    public String denyAll(Instant tokenIssuedBefore) {
        ObjectNode policy = EventJson.MAPPER.createObjectNode();
        policy.put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        ObjectNode deny = statements.addObject();
        deny.put("Sid", "TrailWardenQuarantine");
        deny.put("Effect", "Deny");
        deny.put("Action", "*");
        deny.put("Resource", "*");
        if (tokenIssuedBefore != null) {
            deny.putObject("Condition").putObject("DateLessThan").put("aws:TokenIssueTime", tokenIssuedBefore.toString());
        }
        return policy.toString();
    }

    static Instant tokenIssueCutoff(String policyJson) {
        try {
            JsonNode time = EventJson.MAPPER.readTree(policyJson)
                    .at("/Statement/0/Condition/DateLessThan/aws:TokenIssueTime");
            return time.isTextual() ? Instant.parse(time.asText()) : null;
        } catch (IOException | java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    String userPolicy(IamClient iam, String userName) {
        try {
            return iam.getUserPolicy(r -> r.userName(userName).policyName(policyName)).policyDocument();
        } catch (NoSuchEntityException e) {
            return null;
        }
    }

    String rolePolicy(IamClient iam, String roleName) {
        try {
            return iam.getRolePolicy(r -> r.roleName(roleName).policyName(policyName)).policyDocument();
        } catch (NoSuchEntityException e) {
            return null;
        }
    }

    static boolean hasLoginProfile(IamClient iam, String userName) {
        try {
            iam.getLoginProfile(r -> r.userName(userName));
            return true;
        } catch (NoSuchEntityException e) {
            return false;
        }
    }

    static Map<String, String> userTags(IamClient iam, String userName) {
        Map<String, String> tags = new LinkedHashMap<>();
        iam.listUserTagsPaginator(r -> r.userName(userName)).tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        return tags;
    }

    static Map<String, String> roleTags(IamClient iam, String roleName) {
        Map<String, String> tags = new LinkedHashMap<>();
        iam.listRoleTagsPaginator(r -> r.roleName(roleName)).tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        return tags;
    }

    static List<String> splitList(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.asList(value.trim().split("\\s+"));
    }

    static List<Tag> toTags(Map<String, String> tags) {
        List<Tag> list = new ArrayList<>();
        tags.forEach((key, value) -> list.add(Tag.builder().key(key).value(value).build()));
        return list;
    }

    /** IAM returns policy documents URL-encoded and re-formatted; compare them as compact JSON. */
    static String normalise(String document) {
        if (document == null) {
            return null;
        }
        String json = document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
        try {
            return EventJson.MAPPER.readTree(json).toString();
        } catch (IOException e) {
            return json;
        }
    }
}
