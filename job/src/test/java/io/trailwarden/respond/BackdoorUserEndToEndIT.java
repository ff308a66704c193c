package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.pipeline.TrailWardenTopology;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import io.trailwarden.testing.PackagedRules;
import io.trailwarden.testing.ThenIdleSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The Stratus {@code iam-create-admin-user} records, as raw input, through the real topology (parse,
 * dedup, event time, the packaged {@code iam-user-created} rule) and the response stage, against moto:
 * the backdoor user the records created ends up quarantined, and the alert is in the queue. The other
 * rules these records trip (admin policy, backdoor sequence) would contain the same user concurrently;
 * the whole catalogue's incidents are production/EndToEndIT's.
 */
class BackdoorUserEndToEndIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String ACCOUNT = MotoServer.DEFAULT_ACCOUNT;
    private static final String USER = "malicious-iam-user";
    private static final String RULE_ID = "iam-user-created";

    @Test
    void theCreatedUserIsQuarantinedAndTheAlertSent() throws Exception {
        MOTO.reset();
        AccessKey key;
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            key = MotoFixture.backdoorUser(iam, USER);
        }
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");
        TrailWardenConfig config = TrailWardenConfig.from(PropertyGroups.of(Map.of(
                ResponseConfig.GROUP, Map.of("dryRun", "false", "ownAccountId", ACCOUNT),
                AlertConfig.GROUP, Map.of("topicArn", inbox.topicArn),
                AwsConfig.GROUP, Map.of("region", MotoServer.REGION, "endpointOverride", MOTO.endpoint().toString()))));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // A source that stays open, as Kinesis does: the responders act on processing-time timers.
        DataStream<RawInput> input = env.addSource(new ThenIdleSource(CorpusFindings.records().size()), Types.INT)
                .map(i -> RawInput.of("stratus:" + i, CorpusFindings.rewriteForMoto(CorpusFindings.records().get(i), ACCOUNT, USER)))
                .returns(RawInput.class);
        TrailWardenTopology.Outputs detected = TrailWardenTopology.build(input, config.detection, PackagedRules.only(RULE_ID));
        // The containment, the finding's alert, and the follow-up alert saying it is contained.
        List<ActionResult> audit = ResponseStage.from(config).apply(detected.findings).executeAndCollect(3);

        assertThat(audit).extracting(r -> r.action, r -> r.outcome).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(PlannedAction.Type.CONTAIN, Outcome.DONE),
                org.assertj.core.groups.Tuple.tuple(PlannedAction.Type.ALERT, Outcome.DONE),
                org.assertj.core.groups.Tuple.tuple(PlannedAction.Type.ALERT, Outcome.DONE));
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            assertThat(iam.listUserPolicies(r -> r.userName(USER)).policyNames()).contains("TrailWardenQuarantine");
            assertThat(iam.listAccessKeys(r -> r.userName(USER)).accessKeyMetadata())
                    .singleElement().satisfies(k -> {
                        assertThat(k.accessKeyId()).isEqualTo(key.accessKeyId());
                        assertThat(k.status()).isEqualTo(StatusType.INACTIVE);
                    });
            assertThatThrownBy(() -> iam.getLoginProfile(r -> r.userName(USER))).isInstanceOf(NoSuchEntityException.class);
        }
        List<JsonNode> alerts = new ArrayList<>(inbox.receive());
        if (alerts.size() < 2) {
            alerts.addAll(inbox.receive());
        }
        assertThat(alerts).hasSize(2).allSatisfy(alert -> {
            assertThat(alert.at("/MessageAttributes/ruleId/Value").asText()).isEqualTo(RULE_ID);
            assertThat(alert.get("Message").asText()).contains("CreateUser", "from 075.050.255.67");
        });
        assertThat(alerts).anySatisfy(alert -> assertThat(alert.get("Message").asText())
                .contains("CONTAIN arn:aws:iam::123456789012:user/malicious-iam-user: STARTED"));
        assertThat(alerts).anySatisfy(alert -> assertThat(alert.get("Message").asText())
                .contains("CONTAIN arn:aws:iam::123456789012:user/malicious-iam-user: DONE"));
    }
}
