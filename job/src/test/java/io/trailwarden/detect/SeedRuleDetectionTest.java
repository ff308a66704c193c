package io.trailwarden.detect;

import static io.trailwarden.detect.TestEvents.ACCOUNT;
import static io.trailwarden.detect.TestEvents.ATTACKER_ARN;
import static io.trailwarden.detect.TestEvents.FIVE_MIN_LATER;
import static io.trailwarden.detect.TestEvents.PROVISIONER_ROLE_ARN;
import static io.trailwarden.detect.TestEvents.T0;
import static io.trailwarden.detect.TestEvents.assumedRole;
import static io.trailwarden.detect.TestEvents.createUser;
import static io.trailwarden.detect.TestEvents.event;
import static io.trailwarden.detect.TestEvents.userArn;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.CloudTrailEvent;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.ParseResult;
import io.trailwarden.event.RawInput;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SeedRuleDetectionTest {
    private OneInputStreamOperatorTestHarness<CloudTrailEvent, Finding> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void theCorpusBackdoorUserIsFoundAtOnceWithoutAWatermark() throws Exception {
        CloudTrailEvent createUser = corpusRecord("CreateUser");
        open(List.of(), true);
        harness.processElement(createUser, createUser.eventTimeMillis);

        List<Finding> findings = harness.extractOutputValues();
        assertThat(findings).hasSize(1);
        Finding finding = findings.get(0);
        Target backdoor = Target.of(Target.Kind.IAM_USER, "malicious-iam-user",
                "arn:aws:iam::229654561268:user/malicious-iam-user", "229654561268");
        assertThat(finding.ruleId).isEqualTo(CreateUserRule.RULE_ID);
        assertThat(finding.title).isEqualTo(CreateUserRule.TITLE);
        assertThat(finding.severity).isEqualTo(Severity.HIGH);
        assertThat(finding.mitre).containsExactly("T1136.003");
        assertThat(finding.actor).isEqualTo(createUser.actor);
        assertThat(finding.target).isEqualTo(backdoor);
        assertThat(finding.events).containsExactly(createUser);
        assertThat(finding.findingId).isEqualTo(Finding.findingId(CreateUserRule.RULE_ID, List.of(createUser)));
        assertThat(finding.response).containsExactly(
                PlannedAction.of(PlannedAction.Type.CONTAIN, backdoor, true, CreateUserRule.DRY_RUN_NOTE),
                PlannedAction.of(PlannedAction.Type.ALERT, backdoor, false, null));
    }

    @Test
    void aLateCreateUserIsStillFound() throws Exception {
        open(List.of(), true);
        harness.processWatermark(FIVE_MIN_LATER.toEpochMilli());
        CloudTrailEvent late = createUser("late-id", T0, "backdoor").build();
        harness.processElement(late, late.eventTimeMillis);

        assertThat(harness.extractOutputValues()).extracting(finding -> finding.target.name).containsExactly("backdoor");
    }

    @Test
    void otherCallsOfTheSameDetonationAreNotFindings() throws Exception {
        open(List.of(), true);
        for (String eventName : List.of("AttachUserPolicy", "CreateAccessKey")) {
            CloudTrailEvent event = corpusRecord(eventName);
            harness.processElement(event, event.eventTimeMillis);
        }

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void aFailedCreateUserIsNotAFinding() throws Exception {
        open(List.of(), true);
        CloudTrailEvent denied = createUser("denied", T0, "backdoor").failedWith("AccessDenied").build();
        harness.processElement(denied, denied.eventTimeMillis);

        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void allowedProvisionersAreIgnoredIncludingEverySessionOfAnAllowedRole() throws Exception {
        open(List.of(ATTACKER_ARN, PROVISIONER_ROLE_ARN), true);
        CloudTrailEvent byUser = createUser("by-user", T0, "one").build();
        CloudTrailEvent byRoleSession = createUser("by-role", T0, "two")
                .by(assumedRole(PROVISIONER_ROLE_ARN, "pipeline-run-42")).build();
        CloudTrailEvent byOtherRole = createUser("by-other-role", T0, "three")
                .by(assumedRole("arn:aws:iam::" + ACCOUNT + ":role/ci-runner", "session")).build();
        for (CloudTrailEvent event : List.of(byUser, byRoleSession, byOtherRole)) {
            harness.processElement(event, event.eventTimeMillis);
        }

        assertThat(harness.extractOutputValues()).extracting(finding -> finding.target.name).containsExactly("three");
    }

    @Test
    void withoutDryRunContainmentIsPlannedForReal() throws Exception {
        open(List.of(), false);
        CloudTrailEvent created = createUser("id", T0, "backdoor").build();
        harness.processElement(created, created.eventTimeMillis);

        Target target = Target.of(Target.Kind.IAM_USER, "backdoor", userArn("backdoor"), ACCOUNT);
        assertThat(harness.extractOutputValues().get(0).response).containsExactly(
                PlannedAction.of(PlannedAction.Type.CONTAIN, target, false, null),
                PlannedAction.of(PlannedAction.Type.ALERT, target, false, null));
    }

    @Test
    void aTargetWithoutResponseElementsHasNoArnButIsStillContained() throws Exception {
        open(List.of(), true);
        CloudTrailEvent created = createUser("id", T0, "backdoor").withoutResponse().build();
        harness.processElement(created, created.eventTimeMillis);

        Finding finding = harness.extractOutputValues().get(0);
        assertThat(finding.target).isEqualTo(Target.of(Target.Kind.IAM_USER, "backdoor", null, ACCOUNT));
        assertThat(finding.response).extracting(action -> action.type)
                .containsExactly(PlannedAction.Type.CONTAIN, PlannedAction.Type.ALERT);
    }

    @Test
    void aRecordNamingNoUserIsAlertedWithoutContainment() throws Exception {
        open(List.of(), true);
        CloudTrailEvent created = event("CreateUser", "id", T0).withoutRequestParameters().build();
        harness.processElement(created, created.eventTimeMillis);

        Finding finding = harness.extractOutputValues().get(0);
        assertThat(finding.target).isNull();
        assertThat(finding.response).containsExactly(
                PlannedAction.of(PlannedAction.Type.ALERT, null, false, CreateUserRule.NO_TARGET_NOTE));
    }

    private void open(List<String> allowedProvisioners, boolean dryRun) throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new CreateUserRule(allowedProvisioners, dryRun)));
        harness.open();
    }

    /** The iam-create-admin-user detonation's record of that name, through the real parser. */
    private static CloudTrailEvent corpusRecord(String eventName) {
        String record = Corpus.first(event -> event.get("eventName").asText().equals(eventName)
                && event.get("userAgent").asText().startsWith("stratus-red-team_")
                && event.get("recipientAccountId").asText().equals("229654561268")).toString();
        ParseResult result = new CloudTrailParser().parseAll(RawInput.of("corpus", record));
        assertThat(result.deadLetters).isEmpty();
        return result.events.get(0);
    }
}
