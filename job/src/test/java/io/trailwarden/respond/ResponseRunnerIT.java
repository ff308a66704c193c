package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Target;
import io.trailwarden.testing.FaultProxy;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The responders (containment and alert) against moto behind a fault-injecting proxy: throttling,
 * 5xx, hangs. Failed actions are retried from keyed state with backoff, survive a restore, and a
 * human is told when they fail and when retries run out.
 */
class ResponseRunnerIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String ACCOUNT = MotoServer.DEFAULT_ACCOUNT;
    private static final String USER = "malicious-iam-user";
    private static final String ROLE = "ci-deployer";

    private FaultProxy proxy;
    private MotoFixture.AlertInbox inbox;
    private final Map<String, String> settings = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        MOTO.reset();
        proxy = new FaultProxy(MOTO.endpoint());
        inbox = MotoFixture.inbox(MOTO, "alerts");
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            MotoFixture.backdoorUser(iam, USER);
        }
        settings.put("dryRun", "false");
        settings.put("ownAccountId", ACCOUNT);
        settings.put("actionTimeout", "3s");
        settings.put("maxAttempts", "2");
        settings.put("backoffBase", "10ms");
        settings.put("backoffMax", "20ms");
        settings.put("retryBackoffBase", "200ms");
        settings.put("retryBackoffMax", "400ms");
    }

    @AfterEach
    void tearDown() {
        proxy.close();
    }

    private ResponseConfig config() throws Exception {
        return TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, settings))).response;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> runner(ResponseTask.Kind kind)
            throws Exception {
        ResponseRunner runner = new ResponseRunner(kind, config(), new AlertConfig(inbox.topicArn, 50, 256),
                new AwsConfig(MotoServer.REGION, proxy.endpoint().toString()));
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(runner), task -> task.key, Types.STRING);
        harness.setProcessingTime(System.currentTimeMillis());
        return harness;
    }

    private ResponseTask containment() throws Exception {
        return containment(CorpusFindings.backdoorUser(ACCOUNT, USER));
    }

    private ResponseTask containment(Finding finding) throws Exception {
        ResponsePlan plan = new ResponsePlanner(config(), List.of()).plan(finding);
        return ResponseTask.contain(finding, plan.steps.get(0), System.currentTimeMillis());
    }

    /** A finding on {@link #ROLE} whose events are at {@code lastEventMillis}, admitted by the cap at {@code admittedAtMillis}. */
    private static ResponseTask roleContainment(String findingId, long lastEventMillis, long admittedAtMillis) {
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "unused");
        finding.findingId = findingId;
        finding.events.forEach(event -> event.eventTimeMillis = lastEventMillis);
        finding.target = Target.of(Target.Kind.IAM_ROLE, ROLE, "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + ROLE + "/s2", ACCOUNT);
        return ResponseTask.contain(finding, PlannedStep.of(PlannedAction.Type.CONTAIN, finding.target, Decision.EXECUTE,
                "the acting role"), admittedAtMillis);
    }

    /**
     * {@link #ROLE}, and two findings on it: A, admitted now, whose cut-off is its admission; B, admitted 1 s
     * later, which saw session S2 (opened after A's cut-off) at work 2 s after it.
     */
    private static List<ResponseTask> roleFindings() {
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            iam.createRole(r -> r.roleName(ROLE).assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}"));
        }
        long admitted = System.currentTimeMillis() / 1000 * 1000;
        return List.of(roleContainment("finding-a", admitted - 60_000, admitted),
                roleContainment("finding-b", admitted + 2_000, admitted + 1_000));
    }

    /** Sessions of {@link #ROLE} issued before this are denied. */
    private static Instant roleCutoff() {
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            String document = iam.getRolePolicy(r -> r.roleName(ROLE).policyName("TrailWardenQuarantine")).policyDocument();
            return Instant.parse(EventJson.readTree(URLDecoder.decode(document, StandardCharsets.UTF_8))
                    .at("/Statement/0/Condition/DateLessThan/aws:TokenIssueTime").asText());
        }
    }

    private static ResponseTask findingAlert(Finding finding) {
        return ResponseTask.alert(finding, ResponseTask.AlertKind.FINDING, "-", List.of(), List.of(), 0);
    }

    /** Drives processing time with the wall clock until the results satisfy {@code done}. */
    private static List<ActionResult> runUntil(KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness,
            Predicate<List<ActionResult>> done, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        List<ActionResult> results = new ArrayList<>();
        while (System.currentTimeMillis() < deadline) {
            harness.setProcessingTime(System.currentTimeMillis());
            results = harness.extractOutputValues().stream().flatMap(r -> r.results.stream()).collect(Collectors.toList());
            if (done.test(results)) {
                return results;
            }
            Thread.sleep(20);
        }
        return results;
    }

    private static List<ResponseTask> followUps(KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness) {
        return harness.getSideOutput(ResponseRunner.FOLLOW_UP_ALERTS) == null ? List.of()
                : harness.getSideOutput(ResponseRunner.FOLLOW_UP_ALERTS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private static boolean hasOutcome(List<ActionResult> results, Outcome outcome) {
        return results.stream().anyMatch(r -> r.outcome == outcome);
    }

    @Test
    void throttlingBeyondTheSdkRetriesIsRetriedFromStateUntilTheContainmentHolds() throws Exception {
        // Four throttled calls: more than one attempt's SDK retries (2), so whole attempts fail first.
        proxy.inject(FaultProxy.Kind.THROTTLE, 4, "Action=GetUser&");
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.CONTAIN);
        harness.open();
        harness.processElement(new StreamRecord<>(containment()));

        List<ActionResult> results = runUntil(harness, r -> hasOutcome(r, Outcome.DONE), 20_000);
        harness.close();

        assertThat(results).extracting(r -> r.outcome).startsWith(Outcome.FAILED).endsWith(Outcome.DONE);
        assertThat(results.get(0).detail).contains("Rate exceeded").contains("attempt 1, retried at");
        assertThat(followUps(harness)).extracting(t -> t.alertKind)
                .as("escalated once when it first failed, then the outcome")
                .containsExactly(ResponseTask.AlertKind.FAILED, ResponseTask.AlertKind.CONTAINED);
        assertContained(USER);
    }

    @Test
    void aContainmentPendingAtACheckpointIsCompletedAfterRestore() throws Exception {
        proxy.inject(FaultProxy.Kind.HANG, 1000, "Action=GetUser&");
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> beforeFailure = runner(ResponseTask.Kind.CONTAIN);
        beforeFailure.open();
        beforeFailure.processElement(new StreamRecord<>(containment()));
        runUntil(beforeFailure, r -> false, 300);
        OperatorSubtaskState checkpoint = beforeFailure.snapshot(1L, 2L);
        // The task dies while IAM hangs; IAM recovers.
        beforeFailure.close();
        proxy.clear();

        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> restored = runner(ResponseTask.Kind.CONTAIN);
        restored.initializeState(checkpoint);
        restored.open();
        List<ActionResult> results = runUntil(restored, r -> hasOutcome(r, Outcome.DONE), 20_000);
        restored.close();

        assertThat(results).extracting(r -> r.outcome).containsExactly(Outcome.DONE);
        assertContained(USER);
    }

    @Test
    void aContainmentThatNeverSucceedsIsGivenUpAndEscalated() throws Exception {
        settings.put("retryFor", "2s");
        proxy.inject(FaultProxy.Kind.SERVER_ERROR, 10_000, "Action=GetUser&");
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.CONTAIN);
        harness.open();
        harness.processElement(new StreamRecord<>(containment()));

        List<ActionResult> results = runUntil(harness, r -> r.stream().anyMatch(x -> x.detail.contains("given up")), 20_000);
        harness.close();

        assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.outcome).isEqualTo(Outcome.FAILED));
        assertThat(results.get(results.size() - 1).detail).contains("given up, a human has to act");
        assertThat(harness.extractOutputValues().stream().mapToInt(r -> r.deadLetters.size()).sum()).isEqualTo(results.size());
        assertThat(followUps(harness)).extracting(t -> t.alertKind)
                .containsExactly(ResponseTask.AlertKind.FAILED, ResponseTask.AlertKind.GAVE_UP);
    }

    @Test
    void anAlertSnsRefusesIsKeptInTheAuditAndDeliveredByALaterRetry() throws Exception {
        proxy.inject(FaultProxy.Kind.SERVER_ERROR, 6, "Action=Publish&");
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.ALERT);
        harness.open();
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, USER);
        harness.processElement(new StreamRecord<>(findingAlert(finding)));

        List<ActionResult> results = runUntil(harness, r -> hasOutcome(r, Outcome.DONE), 20_000);
        harness.close();

        assertThat(results).extracting(r -> r.outcome).startsWith(Outcome.FAILED).endsWith(Outcome.DONE);
        assertThat(results.get(0).undeliveredAlert).as("the audit record keeps the alert SNS refused")
                .contains("FINDING HIGH  " + finding.ruleId + "  " + finding.findingId);
        // At least once: an attempt that timed out after SNS accepted it is sent again.
        List<JsonNode> delivered = inbox.receive();
        assertThat(delivered).isNotEmpty().allSatisfy(m -> assertThat(m.get("Message").asText()).contains(finding.findingId));
    }

    /**
     * Sends {@code first}, then {@code second} once the first attempt failed (the caller makes it fail): the
     * second joins the retry and is reported with its outcome. Every result, once the retry ended.
     */
    private List<ActionResult> joinedBetweenAttempts(ResponseTask first, ResponseTask second) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.CONTAIN);
        harness.open();
        harness.processElement(new StreamRecord<>(first));
        runUntil(harness, r -> hasOutcome(r, Outcome.FAILED), 20_000);
        harness.processElement(new StreamRecord<>(second));

        runUntil(harness, r -> r.size() >= 3, 20_000);
        List<ActionResult> results = runUntil(harness, r -> false, 500);
        harness.close();

        assertThat(results).extracting(r -> r.findingId, r -> r.outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(first.finding.findingId, Outcome.FAILED),
                        org.assertj.core.groups.Tuple.tuple(first.finding.findingId, Outcome.DONE),
                        org.assertj.core.groups.Tuple.tuple(second.finding.findingId, Outcome.ALREADY_DONE));
        assertThat(results.get(2).detail).startsWith("joined the containment of finding " + first.finding.findingId);
        return results;
    }

    @Test
    void aSecondFindingForATargetBeingContainedJoinsIt() throws Exception {
        proxy.inject(FaultProxy.Kind.THROTTLE, 2, "Action=GetUser&");
        ResponseTask second = containment();
        second.finding.findingId = "second-finding";

        joinedBetweenAttempts(containment(), second);

        assertContained(USER);
    }

    @Test
    void aLaterFindingOnARoleThatJoinsAPendingContainmentMovesItsCutOff() throws Exception {
        proxy.inject(FaultProxy.Kind.THROTTLE, 2, "Action=GetRole&");
        List<ResponseTask> findings = roleFindings();

        joinedBetweenAttempts(findings.get(0), findings.get(1));

        assertThat(roleCutoff()).as("the deny covers S2: every session issued before B's last event ended")
                .isEqualTo(Instant.ofEpochMilli(findings.get(1).finding.lastEventTimeMillis()).plusSeconds(1));
    }

    @Test
    void aLaterFindingOnARoleThatArrivesDuringAnAttemptGetsAnAttemptWithItsCutOff() throws Exception {
        proxy.latency(java.time.Duration.ofMillis(300), "Action=GetRole&");
        List<ResponseTask> findings = roleFindings();
        Instant laterCutoff = Instant.ofEpochMilli(findings.get(1).finding.lastEventTimeMillis()).plusSeconds(1);
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.CONTAIN);
        harness.open();
        harness.processElement(new StreamRecord<>(findings.get(0)));
        // A's attempt is under way, its cut-off read: it cannot cover B.
        runUntil(harness, r -> false, 100);
        harness.processElement(new StreamRecord<>(findings.get(1)));

        runUntil(harness, r -> r.size() >= 2, 20_000);
        List<ActionResult> results = runUntil(harness, r -> false, 500);
        harness.close();

        assertThat(results).extracting(r -> r.findingId, r -> r.outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("finding-a", Outcome.DONE),
                        org.assertj.core.groups.Tuple.tuple("finding-b", Outcome.DONE));
        assertThat(results.get(1).detail).contains("sessions issued before " + laterCutoff);
        assertThat(followUps(harness)).extracting(t -> t.finding.findingId, t -> t.alertKind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("finding-a", ResponseTask.AlertKind.CONTAINED),
                        org.assertj.core.groups.Tuple.tuple("finding-b", ResponseTask.AlertKind.CONTAINED));
        assertThat(roleCutoff()).isEqualTo(laterCutoff);
    }

    @Test
    void aUserRenamedBeforeTheAttemptIsEscalatedNeverReportedContained() throws Exception {
        // The finding's key is the recorded one, which no moto user owns: nothing leads to the new name.
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            iam.updateUser(r -> r.userName(USER).newUserName(USER + "-2"));
        }
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.CONTAIN);
        harness.open();
        harness.processElement(new StreamRecord<>(containment()));

        List<ActionResult> results = runUntil(harness, r -> !r.isEmpty(), 20_000);
        harness.close();

        assertThat(results).first().satisfies(result -> {
            assertThat(result.outcome).isEqualTo(Outcome.FAILED);
            assertThat(result.detail).startsWith("IAM_USER " + USER + " NOT FOUND under that name: renamed or deleted since the finding,"
                    + " and no other user owns the access keys the finding shows are its own (" + CorpusFindings.RECORDED_KEY + ")");
        });
        assertThat(harness.extractOutputValues().get(0).deadLetters).hasSize(1);
        assertThat(followUps(harness)).extracting(t -> t.alertKind).containsExactly(ResponseTask.AlertKind.FAILED);
    }

    @Test
    void aUserRenamedSinceTheFindingIsFoundThroughItsOwnKeyAndQuarantined() throws Exception {
        // moto keeps a key's first user name through UpdateUser, so the user is set up as AWS leaves a renamed
        // one: under its new name, owning the key CloudTrail recorded CreateAccessKey returning for the old one.
        String renamed = "backdoor-renamed";
        AccessKey key;
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            key = MotoFixture.backdoorUser(iam, renamed);
        }
        Finding finding = CorpusFindings.withCreatedKey(CorpusFindings.backdoorUser(ACCOUNT, "backdoor"), key.accessKeyId());
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.CONTAIN);
        harness.open();
        harness.processElement(new StreamRecord<>(containment(finding)));

        List<ActionResult> results = runUntil(harness, r -> !r.isEmpty(), 20_000);
        harness.close();

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.outcome).isEqualTo(Outcome.DONE);
            assertThat(result.detail).contains("user backdoor has been renamed backdoor-renamed since the finding (it owns access key "
                    + key.accessKeyId(), "deactivated access key " + key.accessKeyId());
            assertThat(result.releaseCommand).isEqualTo("trailwarden release --user backdoor-renamed --account " + ACCOUNT
                    + " --reactivate-keys " + key.accessKeyId());
        });
        assertThat(followUps(harness)).extracting(t -> t.alertKind).containsExactly(ResponseTask.AlertKind.CONTAINED);
        assertContained(renamed);
    }

    @Test
    void aTargetIamShowsIsProtectedIsAlertedNeverReportedContained() throws Exception {
        settings.put("protectedPrincipals", "arn:aws:iam::" + ACCOUNT + ":user/malicious-*");
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.CONTAIN);
        harness.open();
        harness.processElement(new StreamRecord<>(containment()));

        List<ActionResult> results = runUntil(harness, r -> !r.isEmpty(), 20_000);
        harness.close();

        assertThat(results).extracting(r -> r.outcome).containsExactly(Outcome.SKIPPED_PROTECTED);
        assertThat(followUps(harness)).extracting(t -> t.alertKind).containsExactly(ResponseTask.AlertKind.FINDING);
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            assertThat(iam.listUserPolicies(r -> r.userName(USER)).policyNames()).containsExactly("admin");
        }
    }

    @Test
    void theUpdateThatClosesAnIncidentWaitsForItsOpeningAlertAndIsSentAfterIt() throws Exception {
        // Three failed attempts of two SDK tries each: the opening alert is still waiting when the update comes.
        proxy.inject(FaultProxy.Kind.SERVER_ERROR, 6, "Action=Publish&");
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.ALERT);
        harness.open();
        Finding opening = CorpusFindings.backdoorUser(ACCOUNT, USER);
        Finding update = CorpusFindings.backdoorUser(ACCOUNT, USER);
        update.incidentUpdate = true;
        update.matches = 3;
        harness.processElement(new StreamRecord<>(findingAlert(opening)));
        runUntil(harness, r -> hasOutcome(r, Outcome.FAILED), 20_000);
        harness.processElement(new StreamRecord<>(findingAlert(update)));
        harness.processElement(new StreamRecord<>(findingAlert(CorpusFindings.backdoorUser(ACCOUNT, USER))));

        runUntil(harness, r -> r.stream().filter(x -> x.outcome == Outcome.DONE).count() >= 2, 20_000);
        List<ActionResult> results = runUntil(harness, r -> false, 1_000);
        harness.close();

        List<ActionResult> delivered = results.stream().filter(r -> r.outcome == Outcome.DONE).collect(Collectors.toList());
        assertThat(delivered).as("the opening alert, then the update; the replayed opening alert is not sent again")
                .extracting(r -> r.detail.replaceAll(" as SNS message .*", ""))
                .containsExactly("FINDING alert published", "FINDING (incident closed) alert published");
        Map<String, String> subjects = new HashMap<>();
        for (int i = 0; i < 5 && subjects.size() < 2; i++) {
            inbox.receive().forEach(m -> subjects.put(m.get("MessageId").asText(), m.get("Subject").asText()));
        }
        assertThat(delivered).extracting(r -> subjects.get(r.detail.replaceAll(".* as SNS message ", "")))
                .satisfiesExactly(
                        subject -> assertThat(subject).startsWith("TrailWarden HIGH: "),
                        subject -> assertThat(subject).startsWith("TrailWarden incident closed, 3 matches, HIGH: "));
    }

    private static void assertContained(String user) {
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            assertThat(iam.listUserPolicies(r -> r.userName(user)).policyNames()).contains("TrailWardenQuarantine");
            assertThat(iam.listAccessKeys(r -> r.userName(user)).accessKeyMetadata())
                    .allSatisfy(k -> assertThat(k.status()).isEqualTo(StatusType.INACTIVE));
        }
    }
}
