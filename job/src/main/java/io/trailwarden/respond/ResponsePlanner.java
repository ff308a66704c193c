package io.trailwarden.respond;

import io.trailwarden.config.ResponseConfig;
import io.trailwarden.event.Actor;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.IdentityType;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.finding.Target;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The safety rails, as a pure function from a finding to its plan: loop guard, what IAM can contain,
 * protected principals, shared roles, trusted automation, dry-run. Every containing rule's finding passes
 * here, so a rail written here holds for every rule. The blast-radius cap needs shared state and is applied afterwards
 * ({@link BlastRadiusFunction}). Every finding's plan ends with exactly one alert.
 */
public final class ResponsePlanner implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Prefix of every STS session TrailWarden opens; the loop guard recognises its own sessions by it. */
    public static final String SESSION_PREFIX = "TrailWarden-";

    /** What IAM accepts as a user or role name; anything else in a finding is forged or mangled. */
    private static final java.util.regex.Pattern IAM_NAME = java.util.regex.Pattern.compile("[\\w+=,.@-]{1,128}");

    private final ResponseConfig config;
    private final List<ArnPattern> protectedPatterns;
    private final List<ArnPattern> trustedAutomation = new ArrayList<>();

    /** {@code trustedAutomation}: ARN patterns of TrailWarden.Lists trustedAutomation. */
    public ResponsePlanner(ResponseConfig config, List<String> trustedAutomation) {
        this.config = config;
        this.protectedPatterns = protectedPatterns(config);
        trustedAutomation.forEach(pattern -> this.trustedAutomation.add(new ArnPattern(pattern)));
    }

    /** Never contained: the job's own roles, the break-glass role, the configured patterns. */
    public static List<ArnPattern> protectedPatterns(ResponseConfig config) {
        List<ArnPattern> patterns = new ArrayList<>();
        for (String arn : config.ownRoleArns) {
            patterns.add(new ArnPattern(arn));
        }
        if (config.breakGlassRoleArn != null) {
            patterns.add(new ArnPattern(config.breakGlassRoleArn));
        }
        for (String pattern : config.protectedPrincipals) {
            patterns.add(new ArnPattern(pattern));
        }
        return patterns;
    }

    public ResponsePlan plan(Finding finding) {
        List<PlannedStep> steps = new ArrayList<>();
        if (isOwnActivity(finding)) {
            // Never dropped: a forged or misconfigured "own" identity must still be seen by a human.
            PlannedAction alert = null;
            for (PlannedAction action : finding.response) {
                if (action.type == PlannedAction.Type.CONTAIN) {
                    steps.add(PlannedStep.of(action.type, action.target, Decision.IGNORED_OWN_ACTIVITY,
                            "every matched event was made by TrailWarden's own identity (loop guard): not contained"));
                } else if (alert == null) {
                    alert = action;
                }
            }
            steps.add(PlannedStep.of(PlannedAction.Type.ALERT, alert == null ? finding.target : alert.target,
                    Decision.EXECUTE, "TrailWarden's own activity: alerted at LOW severity"));
            finding.severity = Severity.LOW;
            return ResponsePlan.of(finding, steps);
        }
        String trusted = trustedAutomation(finding);
        PlannedAction alert = null;
        for (PlannedAction action : finding.response) {
            if (action.type == PlannedAction.Type.CONTAIN) {
                steps.add(planContainment(finding, action, trusted));
            } else if (alert == null) {
                alert = action;
            }
        }
        steps.add(PlannedStep.of(PlannedAction.Type.ALERT, alert == null ? finding.target : alert.target,
                Decision.EXECUTE, "every finding is alerted, in dry-run too"));
        return ResponsePlan.of(finding, steps);
    }

    /**
     * A human's approval of a containment the blast-radius cap held back: planned through every other
     * rail (protection, containable accounts, dry-run), never through the cap.
     */
    public ResponsePlan approve(String findingId, Target target) {
        Finding approval = new Finding();
        approval.findingId = findingId;
        approval.ruleId = "approved-containment";
        approval.title = "containment approved by a human (trailwarden contain)";
        approval.severity = Severity.HIGH;
        approval.target = target;
        approval.response.add(PlannedAction.of(PlannedAction.Type.CONTAIN, target, false, "approved by a human"));
        return plan(approval);
    }

    private PlannedStep planContainment(Finding finding, PlannedAction action, String trustedAutomation) {
        Target target = action.target;
        String notContainable = whyNotContainable(target);
        if (notContainable != null) {
            return PlannedStep.of(action.type, target, Decision.SKIPPED_NOT_CONTAINABLE, notContainable + "; alert only");
        }
        ArnPattern protection = protectingPattern(target);
        if (protection != null) {
            return PlannedStep.of(action.type, target, Decision.SKIPPED_PROTECTED,
                    "protected principal (matches " + protection + "); never contained, alert only");
        }
        if (target.kind == Target.Kind.IAM_ROLE && !isContainableRole(target)) {
            return PlannedStep.of(action.type, target, Decision.SKIPPED_NOT_CONTAINABLE, "role " + target.name
                    + " may be shared by many people and is not in TrailWarden.Response.containableRoles; alert only");
        }
        if (trustedAutomation != null) {
            return PlannedStep.of(action.type, target, Decision.SKIPPED_TRUSTED_AUTOMATION, trustedAutomation
                    + "; not contained, alert only");
        }
        if (config.dryRun) {
            return PlannedStep.of(action.type, target, Decision.DRY_RUN, "dry-run by configuration (TrailWarden.Response.dryRun)");
        }
        if (config.dryRunRules.contains(finding.ruleId)) {
            return PlannedStep.of(action.type, target, Decision.DRY_RUN,
                    "dry-run for rule " + finding.ruleId + " (TrailWarden.Response.dryRunRules)");
        }
        if (action.dryRun) {
            return PlannedStep.of(action.type, target, Decision.DRY_RUN, "dry-run by the rule's response section");
        }
        return PlannedStep.of(action.type, target, Decision.EXECUTE, action.note);
    }

    /**
     * Why the finding is routine administration, or null when it is not: every matched call was made by
     * an IAM user or role of the trustedAutomation list, judged by the ARN CloudTrail recorded (a role's
     * own ARN with its path, never the session name, which whoever assumes the role chooses). One call
     * by anyone else, or an identity CloudTrail did not name, and the finding is contained as usual.
     */
    private String trustedAutomation(Finding finding) {
        if (trustedAutomation.isEmpty() || finding.events.isEmpty()) {
            return null;
        }
        String matched = null;
        for (CloudTrailEvent event : finding.events) {
            String arn = principalArn(event.actor);
            ArnPattern pattern = arn == null ? null
                    : trustedAutomation.stream().filter(candidate -> candidate.matches(arn)).findFirst().orElse(null);
            if (pattern == null) {
                return null;
            }
            if (matched == null) {
                matched = "made by trusted automation " + arn + " (matches " + pattern + " of TrailWarden.Lists trustedAutomation)";
            }
        }
        return finding.events.size() == 1 ? matched : "every matched call " + matched;
    }

    /** The IAM user's ARN, or the ARN of the role that issued the session; null for any other identity. */
    private static String principalArn(Actor actor) {
        if (actor == null) {
            return null;
        }
        switch (actor.type) {
            case IAM_USER:
                return actor.arn;
            case ASSUMED_ROLE:
                return actor.sessionIssuerArn;
            default:
                return null;
        }
    }

    private String whyNotContainable(Target target) {
        if (target == null) {
            return "the rule names no target to contain";
        }
        switch (target.kind) {
            case ROOT:
                return "the root user cannot be contained by an IAM policy";
            case OTHER:
                return "not an IAM user or role (AWS service, federated or Identity Center identity)";
            default:
                break;
        }
        if (target.name == null || !IAM_NAME.matcher(target.name).matches()) {
            return "the target has no valid IAM user or role name";
        }
        if (target.kind == Target.Kind.IAM_ROLE && target.name.startsWith("AWSServiceRole")) {
            return "role " + target.name + " is a service-linked role: AWS manages it and IAM refuses changes to it";
        }
        if (target.kind == Target.Kind.IAM_ROLE && target.name.startsWith("AWSReservedSSO_")) {
            return "role " + target.name + " belongs to IAM Identity Center: contain the user or permission set there";
        }
        String account = target.accountId;
        if (account == null || !config.containableAccounts().contains(account)) {
            return "account " + (account == null ? "(unknown)" : account)
                    + " is outside the configured accounts (TrailWarden.Response.accounts, ownAccountId)";
        }
        return null;
    }

    private boolean isContainableRole(Target target) {
        String roleArn = IamNames.identityArn(target);
        return config.containableRoles.stream().anyMatch(pattern -> new ArnPattern(pattern).matches(roleArn));
    }

    /** The pattern that protects the target, checked against its ARN and, for roles, the role's own ARN. */
    private ArnPattern protectingPattern(Target target) {
        List<String> arns = new ArrayList<>();
        if (target.arn != null) {
            arns.add(target.arn);
        }
        arns.add(IamNames.identityArn(target));
        for (ArnPattern pattern : protectedPatterns) {
            for (String arn : arns) {
                if (pattern.matches(arn)) {
                    return pattern;
                }
            }
        }
        return null;
    }

    /**
     * True when every matched event was made by TrailWarden itself: one of the job's own roles, or a
     * session TrailWarden opened with the responder role. Judged by the identity CloudTrail recorded,
     * never by the user agent alone: the user agent is chosen by the caller, so an attacker could put
     * TrailWarden's marker in it to switch the response off.
     */
    private boolean isOwnActivity(Finding finding) {
        if (finding.events.isEmpty()) {
            return false;
        }
        for (CloudTrailEvent event : finding.events) {
            if (!isOwnIdentity(event.actor)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The exact ARN of one of the job's own roles, or of the responder role in a configured account,
     * with a session TrailWarden opened. A role of the same name elsewhere, or on another path, is not it.
     */
    private boolean isOwnIdentity(Actor actor) {
        if (actor == null || actor.type != IdentityType.ASSUMED_ROLE || actor.sessionIssuerArn == null) {
            return false;
        }
        for (String ownRole : config.ownRoleArns) {
            if (ownRole.equalsIgnoreCase(actor.sessionIssuerArn)) {
                return true;
            }
        }
        String session = IamNames.sessionName(actor.arn);
        if (session == null || !session.startsWith(SESSION_PREFIX)) {
            return false;
        }
        String partition = IamNames.partition(actor.sessionIssuerArn);
        for (String account : config.containableAccounts()) {
            if (IamNames.roleArn(partition, account, config.responderRoleName).equalsIgnoreCase(actor.sessionIssuerArn)) {
                return true;
            }
        }
        return false;
    }
}
