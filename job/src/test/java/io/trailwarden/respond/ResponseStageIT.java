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
import io.trailwarden.testing.ThenIdleSource;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
        // 5 finding alerts, 3 containments and their 3 follow-up alerts, 2 held back by the cap.
        List<ActionResult> audit = stage.apply(env.addSource(new ThenIdleSource<>(findings), TypeInformation.of(Finding.class)))
                .executeAndCollect(13);

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
}
