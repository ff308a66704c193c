package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.testing.FaultProxy;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
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
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, USER);
        ResponsePlan plan = new ResponsePlanner(config(), List.of()).plan(finding);
        return ResponseTask.contain(finding, plan.steps.get(0), System.currentTimeMillis());
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
        assertContained();
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
        assertContained();
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
        harness.processElement(new StreamRecord<>(ResponseTask.alert(finding, ResponseTask.AlertKind.FINDING, "-", List.of(), List.of())));

        List<ActionResult> results = runUntil(harness, r -> hasOutcome(r, Outcome.DONE), 20_000);
        harness.close();

        assertThat(results).extracting(r -> r.outcome).startsWith(Outcome.FAILED).endsWith(Outcome.DONE);
        assertThat(results.get(0).undeliveredAlert).as("the audit record keeps the alert SNS refused")
                .contains("FINDING HIGH  " + finding.ruleId + "  " + finding.findingId);
        // At least once: an attempt that timed out after SNS accepted it is sent again.
        List<JsonNode> delivered = inbox.receive();
        assertThat(delivered).isNotEmpty().allSatisfy(m -> assertThat(m.get("Message").asText()).contains(finding.findingId));
    }

    @Test
    void aSecondFindingForATargetBeingContainedJoinsIt() throws Exception {
        proxy.latency(java.time.Duration.ofMillis(300), "Action=GetUser&");
        KeyedOneInputStreamOperatorTestHarness<String, ResponseTask, ResponseReport> harness = runner(ResponseTask.Kind.CONTAIN);
        harness.open();
        ResponseTask first = containment();
        ResponseTask second = containment();
        second.finding.findingId = "second-finding";
        harness.processElement(new StreamRecord<>(first));
        runUntil(harness, r -> false, 100);
        harness.processElement(new StreamRecord<>(second));

        List<ActionResult> results = runUntil(harness, r -> r.size() >= 2, 20_000);
        runUntil(harness, r -> false, 500);
        harness.close();

        assertThat(harness.extractOutputValues().stream().flatMap(r -> r.results.stream()))
                .extracting(r -> r.findingId, r -> r.outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(first.finding.findingId, Outcome.DONE),
                        org.assertj.core.groups.Tuple.tuple("second-finding", Outcome.ALREADY_DONE));
        assertThat(results.get(1).detail).startsWith("joined the containment of finding " + first.finding.findingId);
        assertContained();
    }

    private static void assertContained() {
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            assertThat(iam.listUserPolicies(r -> r.userName(USER)).policyNames()).contains("TrailWardenQuarantine");
            assertThat(iam.listAccessKeys(r -> r.userName(USER)).accessKeyMetadata())
                    .allSatisfy(k -> assertThat(k.status()).isEqualTo(StatusType.INACTIVE));
        }
    }
}
