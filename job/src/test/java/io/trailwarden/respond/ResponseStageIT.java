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
import io.trailwarden.testing.ThenIdleSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The response stage in a Flink mini-cluster (parallelism 2) against moto: findings in, server state
 * and the audit stream out. The blast-radius cap must hold for the whole job, not per subtask.
 */
class ResponseStageIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String ACCOUNT = MotoServer.DEFAULT_ACCOUNT;

    private static final java.util.Queue<ActionResult> COLLECTED = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Hands the audit stream to the test as it comes: the job runs until the test cancels it. */
    @SuppressWarnings("deprecation")
    private static final class Collect implements org.apache.flink.streaming.api.functions.sink.SinkFunction<ActionResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(ActionResult result, Context context) {
            COLLECTED.add(result);
        }
    }

    /** The corpus backdoor finding for users PREFIX0, PREFIX1, ... from a source that stays open. */
    private static org.apache.flink.streaming.api.datastream.DataStream<Finding> findings(StreamExecutionEnvironment env,
            int count, String prefix) {
        return env.addSource(new ThenIdleSource(count), Types.INT)
                .map(i -> {
                    // The corpus events give every copy the same finding id; distinct incidents have distinct ids.
                    Finding finding = CorpusFindings.backdoorUser(ACCOUNT, prefix + i);
                    finding.findingId = finding.findingId + "-" + prefix + i;
                    return finding;
                })
                .returns(Finding.class);
    }

    @Test
    void findingsAreContainedUpToTheCapAndEveryOneIsAlerted() throws Exception {
        MOTO.reset();
        List<Finding> findings = new ArrayList<>();
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            for (int i = 0; i < 5; i++) {
                MotoFixture.backdoorUser(iam, "backdoor-" + i);
                findings.add(CorpusFindings.backdoorUser(ACCOUNT, "backdoor-" + i));
            }
        }
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");
        ResponseConfig response = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, Map.of(
                "dryRun", "false", "ownAccountId", ACCOUNT, "maxContainments", "3", "containmentWindow", "10m"))))
                .response;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ResponseStage stage = new ResponseStage(response, List.of(), new AlertConfig(inbox.topicArn, 50, 256),
                new AwsConfig(MotoServer.REGION, MOTO.endpoint().toString()));
        // 5 finding alerts, 3 containments and their 3 follow-up alerts, 2 held back by the cap.
        List<ActionResult> audit = stage.apply(findings(env, findings.size(), "backdoor-")).executeAndCollect(13);

        List<ActionResult> containments = new ArrayList<>();
        for (ActionResult result : audit) {
            if (result.action == PlannedAction.Type.CONTAIN) {
                containments.add(result);
            }
        }
        assertThat(containments).extracting(r -> r.outcome)
                .containsExactlyInAnyOrder(Outcome.DONE, Outcome.DONE, Outcome.DONE, Outcome.HELD_BY_CAP, Outcome.HELD_BY_CAP);
        assertThat(audit).filteredOn(r -> r.action == PlannedAction.Type.ALERT).hasSize(8)
                .allSatisfy(r -> assertThat(r.outcome).isEqualTo(Outcome.DONE));
        int quarantined = 0;
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            for (int i = 0; i < 5; i++) {
                String user = "backdoor-" + i;
                if (iam.listUserPolicies(r -> r.userName(user)).policyNames().contains("TrailWardenQuarantine")) {
                    quarantined++;
                }
            }
        }
        assertThat(quarantined).isEqualTo(3);
        List<JsonNode> messages = new ArrayList<>();
        for (int attempt = 0; attempt < 10 && messages.size() < 8; attempt++) {
            messages.addAll(inbox.receive());
        }
        assertThat(messages).hasSize(8);
        List<JsonNode> capped = messages.stream()
                .filter(m -> m.at("/MessageAttributes/capped/Value").asText().equals("true")).collect(Collectors.toList());
        assertThat(capped).hasSize(2).allSatisfy(m -> {
            assertThat(m.get("Subject").asText()).startsWith("TrailWarden ESCALATED: containment HELD BY CAP");
            assertThat(m.get("Message").asText()).contains("HELD_BY_CAP - blast-radius cap reached: 3 targets contained")
                    .contains("trailwarden contain --finding ");
        });
        assertThat(messages).filteredOn(m -> m.at("/MessageAttributes/alertKind/Value").asText().equals("CONTAINED")).hasSize(3);
    }

    /**
     * Issue 10 items 6 and 8: with every IAM call hanging, each finding's alert still arrives within
     * seconds (it never waits behind a containment), and every containment completes once IAM recovers.
     */
    @Test
    @org.junit.jupiter.api.Disabled("KNOWN BROKEN (issue 10 item 8): alerts arrive at once while IAM hangs, but after the"
            + " proxy clears the hang the containment attempts keep failing until the deadline; cause not found yet")
    void whileIamHangsEveryAlertArrivesWithinSecondsAndContainmentsCompleteAfterRecovery() throws Exception {
        MOTO.reset();
        int incidents = 6;
        List<Finding> findings = new ArrayList<>();
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            for (int i = 0; i < incidents; i++) {
                MotoFixture.backdoorUser(iam, "hung-" + i);
                findings.add(CorpusFindings.backdoorUser(ACCOUNT, "hung-" + i));
            }
        }
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");
        ResponseConfig response = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, Map.of(
                "dryRun", "false", "ownAccountId", ACCOUNT, "actionTimeout", "30s", "maxAttempts", "2",
                "maxInFlight", "4", "retryBackoffBase", "1s", "retryBackoffMax", "2s")))).response;
        try (FaultProxy proxy = new FaultProxy(MOTO.endpoint())) {
            // Every IAM call (API version 2010-05-08) hangs; SNS and STS answer.
            proxy.inject(FaultProxy.Kind.HANG, Integer.MAX_VALUE, "Version=2010-05-08");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            ResponseStage stage = new ResponseStage(response, List.of(), new AlertConfig(inbox.topicArn, 50, 256),
                    new AwsConfig(MotoServer.REGION, proxy.endpoint().toString()));
            // Measured from the job's first output, not its start: a loaded machine takes seconds to deploy it.
            long firstRecordMillis = -1;
            long lastAlertMillis = 0;
            int alerted = 0;
            java.util.Set<String> contained = new java.util.HashSet<>();
            int failedAttempts = 0;
            COLLECTED.clear();
            stage.apply(findings(env, incidents, "hung-")).addSink(new Collect()).name("collect");
            org.apache.flink.core.execution.JobClient job = env.executeAsync("iam-hangs");
            long deadline = System.currentTimeMillis() + 240_000;
            boolean recovered = false;
            try {
                while (contained.size() < incidents && System.currentTimeMillis() < deadline) {
                    ActionResult result = COLLECTED.poll();
                    if (result == null) {
                        if (alerted == incidents && !recovered && System.currentTimeMillis() - firstRecordMillis > lastAlertMillis + 12_000) {
                            // IAM stayed hung well past several attempts' timeouts; now it recovers.
                            proxy.clear();
                            recovered = true;
                        }
                        Thread.sleep(50);
                        continue;
                    }
                    if (firstRecordMillis < 0) {
                        firstRecordMillis = System.currentTimeMillis();
                    }
                    if (result.action == PlannedAction.Type.ALERT && result.outcome == Outcome.DONE
                            && result.detail.startsWith("FINDING alert")) {
                        alerted++;
                        lastAlertMillis = System.currentTimeMillis() - firstRecordMillis;
                    } else if (result.action == PlannedAction.Type.CONTAIN && result.outcome == Outcome.FAILED) {
                        failedAttempts++;
                    } else if (result.action == PlannedAction.Type.CONTAIN && result.outcome == Outcome.DONE) {
                        assertThat(recovered).as("containment completes only after IAM recovers").isTrue();
                        contained.add(result.target);
                    }
                }
            } finally {
                job.cancel().get();
            }
            System.out.printf("IAM hanging: all %d finding alerts delivered %d ms after the job's first output;"
                    + " %d containment attempts failed and were retried%n", incidents, lastAlertMillis, failedAttempts);
            assertThat(alerted).isEqualTo(incidents);
            assertThat(lastAlertMillis).as("every alert within seconds of the job start, IAM hanging").isLessThan(15_000);
            assertThat(failedAttempts).as("attempts timed out while IAM hung, and were retried").isPositive();
            assertThat(contained).hasSize(incidents);
        }
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            for (int i = 0; i < incidents; i++) {
                String user = "hung-" + i;
                assertThat(iam.listUserPolicies(r -> r.userName(user)).policyNames()).contains("TrailWardenQuarantine");
            }
        }
    }
}
