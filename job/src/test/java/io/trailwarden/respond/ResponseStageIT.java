package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        ResponseStage stage = new ResponseStage(response, new AlertConfig(inbox.topicArn, 50, 256),
                new AwsConfig(MotoServer.REGION, MOTO.endpoint().toString()));
        // Bounded input: the job ends on its own and every result is collected well under the limit.
        List<ActionResult> audit = stage.apply(env.fromData(findings)).executeAndCollect(1000);

        List<ActionResult> containments = new ArrayList<>();
        for (ActionResult result : audit) {
            if (result.action == PlannedAction.Type.CONTAIN) {
                containments.add(result);
            }
        }
        assertThat(containments).extracting(r -> r.outcome)
                .containsExactlyInAnyOrder(Outcome.DONE, Outcome.DONE, Outcome.DONE, Outcome.SKIPPED_CAP, Outcome.SKIPPED_CAP);
        assertThat(audit).filteredOn(r -> r.action == PlannedAction.Type.ALERT).hasSize(5)
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
        List<String> messages = new ArrayList<>();
        for (int attempt = 0; attempt < 5 && messages.size() < 5; attempt++) {
            inbox.receive().forEach(m -> messages.add(m.get("Message").asText()));
        }
        assertThat(messages).hasSize(5);
        assertThat(messages).filteredOn(m -> m.contains("SKIPPED_CAP - blast-radius cap reached: 3 containments")).hasSize(2);
    }
}
