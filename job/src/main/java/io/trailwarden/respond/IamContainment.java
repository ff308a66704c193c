package io.trailwarden.respond;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.EventJson;
import io.trailwarden.event.IdentityType;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.Target;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import java.util.regex.Pattern;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.arns.ArnResource;
import software.amazon.awssdk.core.exception.SdkException;
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
    /** The fallback deny when the inline one cannot be written (its quota is the attacker's to fill). */
    static final String AWS_DENY_ALL = "AWSDenyAll";
    /** Rounds of listing the keys after deactivating them: a key created meanwhile is caught by the next round. */
    private static final int KEY_ROUNDS = 5;
    /** A user's own keys looked up when it is not found under its name: each costs up to two IAM calls. */
    static final int MAX_USER_KEYS = 3;
    /** A user's long-term key; session keys (ASIA) belong to no user IAM can look up. */
    private static final Pattern LONG_TERM_KEY = Pattern.compile("AKIA[A-Z0-9]{12,124}");

    private final AwsClients clients;
    private final String policyName;
    private final List<ArnPattern> protectedPatterns;
    private final Supplier<Instant> clock;
    private final Duration attemptTime;

    /**
     * @param attemptTime one containment attempt's time ({@code actionTimeout}): past it, the attempt makes
     *     no further calls. The responder has given it up by then, and its interrupt does not stop it: the
     *     SDK clears a thread's interrupt flag when its own call timeout fired too.
     */
    public IamContainment(AwsClients clients, String policyName, List<ArnPattern> protectedPatterns, Supplier<Instant> clock,
            Duration attemptTime) {
        this.clients = clients;
        this.policyName = policyName;
        this.protectedPatterns = List.copyOf(protectedPatterns);
        this.clock = clock;
        this.attemptTime = attemptTime;
    }

    /**
     * @param cutoff for a role, sessions issued before it are revoked: at least the containment time
     * @param userKeys for a user, the access keys the finding shows are its own ({@link #userKeys}): IAM
     *     keeps a user's keys through a rename, so they find a user renamed since the finding
     */
    public ContainmentResult contain(Target target, String findingId, Instant cutoff, List<String> userKeys) {
        Steps steps = new Steps(clock, clock.get().plus(attemptTime));
        String self = clients.callerArn();
        if (isIdentity(target, self)) {
            return ownIdentity(self);
        }
        IamClient iam = clients.iamFor(target.accountId, IamNames.partition(target.arn));
        String name = target.name;
        String realArn = realArn(iam, target.kind, name);
        String renamed = "";
        if (realArn == null && target.kind == Target.Kind.IAM_USER) {
            for (String keyId : userKeys) {
                String owner = renamedOwner(iam, target.name, keyId);
                realArn = owner == null ? null : realArn(iam, target.kind, owner);
                if (realArn != null) {
                    if (isIdentity(Target.of(Target.Kind.IAM_USER, owner, realArn, target.accountId), self)) {
                        return ownIdentity(self);
                    }
                    name = owner;
                    renamed = "user " + target.name + " has been renamed " + owner + " since the finding (it owns access key "
                            + keyId + ", which the finding shows is " + target.name + "'s)";
                    break;
                }
            }
        }
        if (realArn == null) {
            // Renamed or deleted, the identity the finding saw may live on under another name: only a human can tell.
            return new ContainmentResult(Outcome.FAILED, target.kind + " " + target.name
                    + " NOT FOUND under that name: renamed or deleted since the finding"
                    + (userKeys.isEmpty() ? "" : ", and no other user owns the access keys the finding shows are its own ("
                            + String.join(", ", userKeys) + ")")
                    + "; nothing contained, a human has to find it");
        }
        // The finding's ARN is rebuilt from the event and has no IAM path: protection is judged on the real one.
        for (ArnPattern pattern : protectedPatterns) {
            if (pattern.matches(realArn)) {
                return new ContainmentResult(Outcome.SKIPPED_PROTECTED, (renamed.isEmpty() ? "" : renamed + "; ")
                        + "protected principal " + realArn + " (matches " + pattern + "); never contained, alert only");
            }
        }
        String partition = IamNames.partition(realArn);
        if (target.kind == Target.Kind.IAM_USER) {
            if (renamed.isEmpty()) {
                return containUser(steps, iam, partition, name, findingId);
            }
            steps.note(renamed);
            return containUser(steps, iam, partition, name, findingId).renamedTo(name);
        }
        if (target.kind == Target.Kind.IAM_ROLE) {
            return containRole(steps, iam, partition, name, findingId, cutoff);
        }
        throw new IllegalArgumentException("IAM cannot contain a " + target.kind + " target");
    }

    private static ContainmentResult ownIdentity(String self) {
        return new ContainmentResult(Outcome.SKIPPED_PROTECTED, "the responder's own identity (" + self + "): never contained");
    }

    /** The identity's ARN as IAM has it, path included; null when IAM has no user or role of that name. */
    private static String realArn(IamClient iam, Target.Kind kind, String name) {
        try {
            return kind == Target.Kind.IAM_USER
                    ? iam.getUser(r -> r.userName(name)).user().arn()
                    : iam.getRole(r -> r.roleName(name)).role().arn();
        } catch (NoSuchEntityException e) {
            return null;
        }
    }

    /**
     * The user that owns {@code keyId} now, when that is not {@code formerName}; else null. The owner is
     * confirmed by listing its keys in the target's account, so an answer about another account's key, or
     * a stale one, is not followed.
     */
    private static String renamedOwner(IamClient iam, String formerName, String keyId) {
        try {
            String owner = iam.getAccessKeyLastUsed(r -> r.accessKeyId(keyId)).userName();
            boolean owns = owner != null && !owner.equalsIgnoreCase(formerName)
                    && iam.listAccessKeysPaginator(r -> r.userName(owner)).accessKeyMetadata().stream()
                            .anyMatch(key -> keyId.equals(key.accessKeyId()));
            return owns ? owner : null;
        } catch (NoSuchEntityException gone) {
            return null;
        }
    }

    /**
     * The long-term access keys a user target's finding shows are its own: the key CloudTrail recorded
     * CreateAccessKey returning for it, the key it called with. Only the target's, and only in its account:
     * another user's key in the same finding never leads the containment to that user. At most
     * {@value #MAX_USER_KEYS}, each looked up only when the user is not found under its name.
     */
    static List<String> userKeys(Finding finding, Target target) {
        Set<String> keys = new LinkedHashSet<>();
        if (target.kind != Target.Kind.IAM_USER || target.name == null || target.accountId == null) {
            return List.of();
        }
        for (CloudTrailEvent event : finding.events) {
            if (target.accountId.equals(event.recipientAccountId) && "iam.amazonaws.com".equals(event.eventSource)
                    && "CreateAccessKey".equals(event.eventName) && event.errorCode == null
                    && target.name.equalsIgnoreCase(event.text("responseElements.accessKey.userName"))) {
                addKey(keys, event.text("responseElements.accessKey.accessKeyId"));
            }
            Actor actor = event.actor;
            if (actor != null && actor.type == IdentityType.IAM_USER && target.accountId.equals(actor.accountId)
                    && target.name.equalsIgnoreCase(actor.userName)) {
                addKey(keys, actor.accessKeyId);
            }
        }
        return new ArrayList<>(keys);
    }

    private static void addKey(Set<String> keys, String keyId) {
        if (keys.size() < MAX_USER_KEYS && keyId != null && LONG_TERM_KEY.matcher(keyId).matches()) {
            keys.add(keyId);
        }
    }

    /** True when the caller ARN (a user, or a session of a role) is the target's user or role. */
    static boolean isIdentity(Target target, String callerArn) {
        if (callerArn == null || target.accountId == null) {
            return false;
        }
        Arn caller = Arn.tryFromString(callerArn).orElse(null);
        if (caller == null || !caller.accountId().filter(target.accountId::equals).isPresent()) {
            return false;
        }
        ArnResource resource = caller.resource();
        String type = resource.resourceType().orElse("");
        if (target.kind == Target.Kind.IAM_USER) {
            // IAM names are unique whatever their case; the user's path comes before its name.
            String path = caller.resourceAsString();
            return type.equals("user") && path.substring(path.lastIndexOf('/') + 1).equalsIgnoreCase(target.name);
        }
        return target.kind == Target.Kind.IAM_ROLE && type.equals("assumed-role")
                && resource.resource().equalsIgnoreCase(target.name);
    }

    /**
     * Deny-all policy (inline, or the AWS-managed one when the inline cannot be written), every active key
     * deactivated, console password removed, tagged. Each of these is attempted whatever the others do:
     * a quota the attacker filled blocks one write, never the rest.
     */
    ContainmentResult containUser(Steps steps, IamClient iam, String partition, String userName, String findingId) {
        Map<String, String> recorded = steps.read("read the tags", () -> userTags(iam, userName), Map.of());
        Set<String> deactivated = new LinkedHashSet<>(splitList(recorded.get(QuarantineTags.DEACTIVATED_KEYS)));
        boolean managedDeny = deny(steps, partition,
                () -> normalise(userPolicy(iam, userName)),
                document -> iam.putUserPolicy(r -> r.userName(userName).policyName(policyName).policyDocument(document)),
                () -> iam.listAttachedUserPoliciesPaginator(r -> r.userName(userName)).attachedPolicies().stream()
                        .anyMatch(p -> denyAllArn(partition).equals(p.policyArn())),
                arn -> iam.attachUserPolicy(r -> r.userName(userName).policyArn(arn)),
                denyAll(null));

        // Written before the keys change, so a restart half-way still knows which keys were TrailWarden's.
        List<String> activeKeys = steps.read("list the access keys", () -> activeKeys(iam, userName), List.of());
        boolean hasLoginProfile = steps.read("read the console password", () -> hasLoginProfile(iam, userName), true);
        String now = clock.get().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(QuarantineTags.FINDING_ID, findingId);
        tags.put(QuarantineTags.CONTAINED_AT, now);
        tags.put(QuarantineTags.POLICY, managedDeny ? AWS_DENY_ALL : policyName);
        Set<String> toRecord = new LinkedHashSet<>(deactivated);
        toRecord.addAll(activeKeys);
        if (!toRecord.isEmpty()) {
            tags.put(QuarantineTags.DEACTIVATED_KEYS, String.join(" ", toRecord));
        }
        if (hasLoginProfile) {
            tags.put(QuarantineTags.LOGIN_PROFILE_DELETED, now);
        }
        if (!activeKeys.isEmpty() || hasLoginProfile || steps.changed()) {
            steps.extra("tag the user with the release record", () -> iam.tagUser(r -> r.userName(userName).tags(toTags(tags))));
        }

        boolean keysHold = false;
        for (int round = 0; round < KEY_ROUNDS && !keysHold; round++) {
            if (round > 0) {
                List<String> listed = steps.read("list the access keys again", () -> activeKeys(iam, userName), null);
                if (listed == null) {
                    continue;
                }
                activeKeys = listed;
                keysHold = activeKeys.isEmpty();
            }
            for (String keyId : activeKeys) {
                if (steps.change("deactivated access key " + keyId, () -> iam.updateAccessKey(
                        r -> r.userName(userName).accessKeyId(keyId).status(StatusType.INACTIVE)))) {
                    deactivated.add(keyId);
                }
            }
        }
        if (!keysHold) {
            steps.fail("an access key was still active after " + KEY_ROUNDS + " rounds");
        }
        if (hasLoginProfile) {
            steps.change("deleted the console password (login profile)", () -> {
                try {
                    iam.deleteLoginProfile(r -> r.userName(userName));
                } catch (NoSuchEntityException gone) {
                    // Gone already: what was wanted.
                }
            });
        }
        return steps.result("user " + userName, new ArrayList<>(deactivated), managedDeny);
    }

    /**
     * A role cannot lose its credentials the way a user can: its live sessions are revoked by denying
     * everything to tokens issued before the cut-off, which leaves sessions issued after a release working.
     * When the inline policy cannot be written, the AWS-managed deny-all is attached instead: it also
     * blocks new sessions, until release.
     */
    ContainmentResult containRole(Steps steps, IamClient iam, String partition, String roleName, String findingId,
            Instant cutoff) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(QuarantineTags.FINDING_ID, findingId);
        tags.put(QuarantineTags.CONTAINED_AT, clock.get().truncatedTo(ChronoUnit.SECONDS).toString());
        tags.put(QuarantineTags.POLICY, policyName);
        tags.put(QuarantineTags.SESSIONS_REVOKED_BEFORE, cutoff.toString());
        boolean managedDeny = deny(steps, partition,
                () -> {
                    String existing = normalise(rolePolicy(iam, roleName));
                    Instant existingCutoff = existing == null ? null : tokenIssueCutoff(existing);
                    // Only TrailWarden's exact deny counts: a look-alike that allows anything is replaced.
                    // An exact deny with a cut-off at least as late counts as the wanted one.
                    boolean holds = existingCutoff != null && !existingCutoff.isBefore(cutoff)
                            && existing.equals(denyAll(existingCutoff));
                    return holds ? denyAll(cutoff) : existing;
                },
                document -> iam.putRolePolicy(r -> r.roleName(roleName).policyName(policyName).policyDocument(document)),
                () -> iam.listAttachedRolePoliciesPaginator(r -> r.roleName(roleName)).attachedPolicies().stream()
                        .anyMatch(p -> denyAllArn(partition).equals(p.policyArn())),
                arn -> iam.attachRolePolicy(r -> r.roleName(roleName).policyArn(arn)),
                denyAll(cutoff));
        if (managedDeny) {
            tags.put(QuarantineTags.POLICY, AWS_DENY_ALL);
        }
        if (steps.changed()) {
            steps.extra("tag the role with the release record", () -> iam.tagRole(r -> r.roleName(roleName).tags(toTags(tags))));
        }
        return steps.result("role " + roleName + " (sessions issued before " + cutoff + ")", List.of(), managedDeny);
    }

    /**
     * Puts the wanted inline deny in place, or else attaches the AWS-managed deny-all. True when the
     * managed one is what holds.
     */
    private boolean deny(Steps steps, String partition, Supplier<String> current, java.util.function.Consumer<String> put,
            Supplier<Boolean> managedAttached, java.util.function.Consumer<String> attach, String wanted) {
        String existing = steps.read("read the inline policy", current, null);
        if (wanted.equals(existing)) {
            return false;
        }
        String inlineFailure = steps.tryChange("attached deny-all inline policy " + policyName, () -> put.accept(wanted));
        if (inlineFailure == null) {
            return false;
        }
        steps.note("the inline deny could not be written: " + inlineFailure);
        String arn = denyAllArn(partition);
        if (steps.read("list the attached policies", managedAttached, false)) {
            steps.note("the AWS-managed " + arn + " was already attached");
            return true;
        }
        if (steps.change("attached the AWS-managed " + arn + " instead", () -> attach.accept(arn))) {
            return true;
        }
        steps.fail("no deny policy holds (inline: " + inlineFailure + ")");
        return false;
    }

    static String denyAllArn(String partition) {
        return "arn:" + partition + ":iam::aws:policy/" + AWS_DENY_ALL;
    }

    private static List<String> activeKeys(IamClient iam, String userName) {
        List<String> active = new ArrayList<>();
        for (AccessKeyMetadata key : iam.listAccessKeysPaginator(r -> r.userName(userName)).accessKeyMetadata()) {
            if (key.status() == StatusType.ACTIVE) {
                active.add(key.accessKeyId());
            }
        }
        return active;
    }

    /**
     * The steps of one containment: each is tried on its own, its failure recorded, never thrown. A
     * failed change or read leaves the containment PARTIAL; a failed extra (the tags) is only reported.
     * Past the attempt's deadline no step calls AWS any more: each fails at once, and the next attempt
     * (which waits for this one to end) starts without waiting out a call timeout per step.
     */
    static final class Steps {
        private final List<String> changes = new ArrayList<>();
        private final List<String> failures = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final Supplier<Instant> clock;
        private final Instant deadline;

        Steps(Supplier<Instant> clock, Instant deadline) {
            this.clock = clock;
            this.deadline = deadline;
        }

        private void inTime() {
            if (clock.get().isAfter(deadline)) {
                throw SdkException.create("not attempted: the attempt ran out of time (TrailWarden.Response.actionTimeout)", null);
            }
        }

        <T> T read(String what, Supplier<T> read, T otherwise) {
            try {
                inTime();
                return read.get();
            } catch (SdkException e) {
                failures.add("could not " + what + ": " + e.getMessage());
                return otherwise;
            }
        }

        boolean change(String what, Runnable change) {
            String failure = tryChange(what, change);
            if (failure != null) {
                failures.add("not " + what + ": " + failure);
            }
            return failure == null;
        }

        /** A change with a fallback: its failure is the caller's to judge. Null when done, else why not. */
        String tryChange(String what, Runnable change) {
            try {
                inTime();
                change.run();
                changes.add(what);
                return null;
            } catch (SdkException e) {
                return e.getMessage();
            }
        }

        void extra(String what, Runnable extra) {
            try {
                inTime();
                extra.run();
            } catch (SdkException e) {
                notes.add("could not " + what + " (the audit record and the alert keep it): " + e.getMessage());
            }
        }

        void fail(String what) {
            failures.add(what);
        }

        void note(String what) {
            notes.add(what);
        }

        boolean changed() {
            return !changes.isEmpty();
        }

        ContainmentResult result(String subject, List<String> deactivatedKeys, boolean managedDeny) {
            List<String> parts = new ArrayList<>(changes);
            parts.addAll(notes);
            if (!failures.isEmpty()) {
                return new ContainmentResult(Outcome.PARTIAL, subject + ": DOES NOT HOLD: " + String.join("; ", failures)
                        + (parts.isEmpty() ? "" : "; holds: " + String.join("; ", parts)), deactivatedKeys, managedDeny);
            }
            if (changes.isEmpty()) {
                return new ContainmentResult(Outcome.ALREADY_DONE, "already contained: " + subject
                        + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)), deactivatedKeys, managedDeny);
            }
            return new ContainmentResult(Outcome.DONE, subject + ": " + String.join("; ", parts), deactivatedKeys, managedDeny);
        }
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
