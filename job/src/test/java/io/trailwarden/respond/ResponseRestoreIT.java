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
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * A checkpoint taken while a finding's response is in flight holds that finding; after a restore from
 * it the response runs (again) to completion, and because containment is idempotent the replay is
 * harmless. The async operator here is the one {@link ResponseStage} builds, with the real function.
 */
class ResponseRestoreIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String ACCOUNT = MotoServer.DEFAULT_ACCOUNT;

    private static OneInputStreamOperatorTestHarness<ResponsePlan, ResponseReport> harness(ResponseConfig response, String topicArn)
            throws Exception {
        AsyncWaitOperatorFactory<ResponsePlan, ResponseReport> factory = new AsyncWaitOperatorFactory<>(
                new ResponseAsyncFunction(response, new AlertConfig(topicArn, 50, 256),
                        new AwsConfig(MotoServer.REGION, MOTO.endpoint().toString())),
                response.actionTimeout.toMillis(), response.maxInFlight, AsyncDataStream.OutputMode.UNORDERED);
        TypeSerializer<ResponsePlan> serializer = TypeInformation.of(ResponsePlan.class).createSerializer(new ExecutionConfig().getSerializerConfig());
        return new OneInputStreamOperatorTestHarness<>(factory, serializer);
    }

    @Test
    void aResponseInFlightAtACheckpointIsCompletedAfterRestore() throws Exception {
        MOTO.reset();
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            MotoFixture.backdoorUser(iam, "malicious-iam-user");
        }
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");
        ResponseConfig response = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP,
                Map.of("dryRun", "false", "ownAccountId", ACCOUNT)))).response;
        Finding finding = CorpusFindings.backdoorUser(ACCOUNT, "malicious-iam-user");
        ResponsePlan plan = new ResponsePlanner(response).plan(finding);

        OperatorSubtaskState checkpoint;
        OneInputStreamOperatorTestHarness<ResponsePlan, ResponseReport> beforeFailure = harness(response, inbox.topicArn);
        beforeFailure.open();
        beforeFailure.processElement(new StreamRecord<>(plan, 1L));
        checkpoint = beforeFailure.snapshot(1L, 2L);
        assertThat(beforeFailure.extractOutputValues()).as("nothing emitted before the checkpoint").isEmpty();
        // The task dies: its responder threads are stopped wherever they are.
        beforeFailure.close();

        OneInputStreamOperatorTestHarness<ResponsePlan, ResponseReport> restored = harness(response, inbox.topicArn);
        restored.setup();
        restored.initializeState(checkpoint);
        restored.open();
        restored.endInput();
        List<ResponseReport> reports = restored.extractOutputValues();
        restored.close();

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.findingId).isEqualTo(finding.findingId);
            assertThat(report.results).extracting(r -> r.action).containsExactly(PlannedAction.Type.CONTAIN, PlannedAction.Type.ALERT);
            assertThat(report.results.get(0).outcome).isIn(Outcome.DONE, Outcome.ALREADY_DONE);
            assertThat(report.results.get(1).outcome).isEqualTo(Outcome.DONE);
        });
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            assertThat(iam.listUserPolicies(r -> r.userName("malicious-iam-user")).policyNames()).contains("TrailWardenQuarantine");
            assertThat(iam.listAccessKeys(r -> r.userName("malicious-iam-user")).accessKeyMetadata())
                    .allSatisfy(k -> assertThat(k.status()).isEqualTo(StatusType.INACTIVE));
        }
    }
}
