package io.trailwarden.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.AlertConfig;
import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.ResponseConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.EventJson;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.PlannedAction;
import io.trailwarden.finding.Severity;
import io.trailwarden.testing.FaultProxy;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import io.trailwarden.testing.ThenIdleSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

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
    /** Every IAM call: the query protocol's API version of IAM, which SNS and STS do not share. */
    private static final String IAM_CALLS = "Version=2010-05-08";

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
    private static DataStream<Finding> findings(StreamExecutionEnvironment env, int count, String prefix) {
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
     * The "starved through its own cap" attack end to end: the budget spent on one containment, then 300
     * decoy users of 64-character names held back by the cap, then the real backdoor. Every alert is
     * accepted by SNS (moto refuses a message over 256 KiB, as SNS does), and the backdoor's capped alert
     * arrives naming it first and counting the decoys it leaves out: the count crosses the Flink operators
     * and the responder's state with the list. (The 2,000 decoys that overflowed SNS before are in
     * BlastRadiusFunctionTest and AlertFormatterTest; here each decoy costs an SNS publish.) Parallelism 1:
     * the decoys reach the cap before the backdoor.
     */
    @Test
    void afterHundredsOfDecoysAreHeldBackTheBackdoorsCappedAlertIsStillDeliveredAndCountsThem() throws Exception {
        MOTO.reset();
        int decoys = 300;
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            MotoFixture.backdoorUser(iam, "first");
        }
        String topicArn;
        String criticalQueue;
        try (SnsClient sns = MotoClients.sns(MOTO); SqsClient sqs = MotoClients.sqs(MOTO)) {
            // Only the backdoor is CRITICAL: its alert is read alone; the audit stream shows every alert was accepted.
            topicArn = sns.createTopic(r -> r.name("alerts")).topicArn();
            criticalQueue = sqs.createQueue(r -> r.queueName("critical")).queueUrl();
            String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(criticalQueue).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                    .attributes(Map.of("FilterPolicy", "{\"severity\":[\"CRITICAL\"]}")));
        }
        ResponseConfig response = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, Map.of(
                "dryRun", "false", "ownAccountId", ACCOUNT, "maxContainments", "1", "criticalReserve", "0",
                "containmentWindow", "10m")))).response;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<Finding> findings = env.addSource(new ThenIdleSource(decoys + 2), Types.INT)
                .map(i -> {
                    String user = i == 0 ? "first" : i <= decoys ? String.format("decoy-%058d", i) : "backdoor";
                    Finding finding = CorpusFindings.backdoorUser(ACCOUNT, user);
                    finding.findingId = finding.findingId + "-" + i;
                    finding.severity = user.equals("backdoor") ? Severity.CRITICAL : Severity.HIGH;
                    return finding;
                })
                .returns(Finding.class);
        ResponseStage stage = new ResponseStage(response, List.of(), new AlertConfig(topicArn, 50, 256),
                new AwsConfig(MotoServer.REGION, MOTO.endpoint().toString()));
        // Every finding's alert; one containment and its follow-up alert; the others held back by the cap.
        List<ActionResult> audit = stage.apply(findings).executeAndCollect(2 * (decoys + 2) + 1);

        assertThat(audit).filteredOn(r -> r.action == PlannedAction.Type.ALERT).hasSize(decoys + 3)
                .allSatisfy(r -> assertThat(r.outcome).as(r.detail).isEqualTo(Outcome.DONE));
        assertThat(audit).filteredOn(r -> r.outcome == Outcome.HELD_BY_CAP).hasSize(decoys + 1);
        JsonNode alert = null;
        try (SqsClient sqs = MotoClients.sqs(MOTO)) {
            for (int attempt = 0; attempt < 10 && alert == null; attempt++) {
                for (Message message : sqs.receiveMessage(r -> r.queueUrl(criticalQueue).waitTimeSeconds(2)).messages()) {
                    alert = EventJson.readTree(message.body());
                }
            }
        }
        assertThat(alert).as("the backdoor's capped alert").isNotNull();
        assertThat(alert.get("Subject").asText()).startsWith("TrailWarden ESCALATED: containment HELD BY CAP CRITICAL");
        JsonNode json = AlertFormatterTest.jsonPart(alert.get("Message").asText());
        assertThat(json.at("/heldBack/0").asText()).isEqualTo(ACCOUNT + "|IAM_USER|backdoor");
        assertThat(json.get("heldBack")).hasSize(BlastRadiusFunction.MAX_HELD_NAMED);
        assertThat(json.get("heldBackOmitted").asInt()).isEqualTo(decoys + 1 - BlastRadiusFunction.MAX_HELD_NAMED);
        assertThat(alert.get("Message").asText()).contains("... " + (decoys + 1 - BlastRadiusFunction.MAX_HELD_NAMED)
                + " more held back");
    }

    /**
     * Issue 10 items 6 and 8: IAM starts hanging in the middle of the containments (right after the first
     * deny policy is written) and hangs for two minutes. Each finding's alert still arrives within seconds
     * (it never waits behind a containment); attempts time out and are retried; more targets than
     * threads, so attempts cut off by their timeout must give their threads back; once IAM recovers, every
     * containment completes within a minute.
     */
    @Test
    void whileIamHangsEveryAlertArrivesWithinSecondsAndContainmentsCompleteAfterRecovery() throws Exception {
        MOTO.reset();
        int incidents = 8;
        Duration hang = Duration.ofMinutes(2);
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            for (int i = 0; i < incidents; i++) {
                MotoFixture.backdoorUser(iam, "hung-" + i);
            }
        }
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");
        ResponseConfig response = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, Map.of(
                "dryRun", "false", "ownAccountId", ACCOUNT, "actionTimeout", "30s", "maxAttempts", "2",
                "maxInFlight", "2", "retryBackoffBase", "1s", "retryBackoffMax", "2s")))).response;
        try (FaultProxy proxy = new FaultProxy(MOTO.endpoint())) {
            AtomicLong hangStarted = new AtomicLong();
            // From the first deny policy on, every IAM call (API version 2010-05-08) hangs; SNS and STS answer.
            proxy.before(() -> {
                hangStarted.set(System.nanoTime());
                proxy.inject(FaultProxy.Kind.HANG, Integer.MAX_VALUE, IAM_CALLS);
            }, "Action=PutUserPolicy&");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            ResponseStage stage = new ResponseStage(response, List.of(), new AlertConfig(inbox.topicArn, 50, 256),
                    new AwsConfig(MotoServer.REGION, proxy.endpoint().toString()));
            // Measured from the job's first output, not its start: a loaded machine takes seconds to deploy it.
            long firstRecord = -1;
            long lastAlert = 0;
            long recoveredAt = -1;
            long lastContained = 0;
            int alerted = 0;
            Set<String> contained = new HashSet<>();
            int failedAttempts = 0;
            COLLECTED.clear();
            stage.apply(findings(env, incidents, "hung-")).addSink(new Collect()).name("collect");
            JobClient job = env.executeAsync("iam-hangs");
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            try {
                while (contained.size() < incidents && System.nanoTime() < deadline) {
                    ActionResult result = COLLECTED.poll();
                    long now = System.nanoTime();
                    if (result == null) {
                        if (recoveredAt < 0 && hangStarted.get() > 0 && now - hangStarted.get() > hang.toNanos()) {
                            proxy.clear();
                            recoveredAt = now;
                        }
                        Thread.sleep(50);
                        continue;
                    }
                    if (firstRecord < 0) {
                        firstRecord = now;
                    }
                    if (result.action == PlannedAction.Type.ALERT && result.outcome == Outcome.DONE
                            && result.detail.startsWith("FINDING alert")) {
                        alerted++;
                        lastAlert = now;
                    } else if (result.action == PlannedAction.Type.CONTAIN && result.outcome == Outcome.FAILED) {
                        failedAttempts++;
                    } else if (result.action == PlannedAction.Type.CONTAIN
                            && (result.outcome == Outcome.DONE || result.outcome == Outcome.ALREADY_DONE)) {
                        assertThat(recoveredAt).as("containment completes only after IAM recovers").isPositive();
                        contained.add(result.target);
                        lastContained = now;
                    }
                }
            } finally {
                job.cancel().get();
            }
            System.out.printf("IAM hanging for %d s: all %d finding alerts delivered %d ms after the job's first output;"
                    + " %d containment attempts failed and were retried; the last containment completed %d ms after"
                    + " IAM recovered%n", hang.toSeconds(), alerted, (lastAlert - firstRecord) / 1_000_000, failedAttempts,
                    (lastContained - recoveredAt) / 1_000_000);
            assertThat(alerted).isEqualTo(incidents);
            assertThat((lastAlert - firstRecord) / 1_000_000).as("every alert within seconds, IAM hanging").isLessThan(15_000);
            assertThat(failedAttempts).as("attempts timed out while IAM hung, and were retried").isGreaterThanOrEqualTo(incidents);
            assertThat(contained).hasSize(incidents);
            assertThat((lastContained - recoveredAt) / 1_000_000).as("every containment within a minute of recovery")
                    .isLessThan(60_000);
        }
        assertEveryUserContained("hung-", incidents);
    }

    /**
     * Issue 10 items 6 and 8: IAM throttles, answers 503 and drops connections, far more often than one
     * attempt's SDK retries absorb. Every alert arrives, every containment completes, from durable retries.
     */
    @Test
    void throughThrottlingServerErrorsAndDroppedConnectionsEveryContainmentCompletes() throws Exception {
        MOTO.reset();
        int incidents = 6;
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            for (int i = 0; i < incidents; i++) {
                MotoFixture.backdoorUser(iam, "flaky-" + i);
            }
        }
        MotoFixture.AlertInbox inbox = MotoFixture.inbox(MOTO, "alerts");
        ResponseConfig response = TrailWardenConfig.from(PropertyGroups.of(Map.of(ResponseConfig.GROUP, Map.of(
                "dryRun", "false", "ownAccountId", ACCOUNT, "actionTimeout", "20s", "maxAttempts", "2",
                "backoffBase", "10ms", "backoffMax", "50ms", "retryBackoffBase", "500ms", "retryBackoffMax", "1s"))))
                .response;
        try (FaultProxy proxy = new FaultProxy(MOTO.endpoint())) {
            // Each kind three times over per target, on calls no fallback replaces: every one must be served
            // before any containment can hold.
            proxy.inject(FaultProxy.Kind.THROTTLE, 3 * incidents, "Action=GetUser&");
            proxy.inject(FaultProxy.Kind.SERVER_ERROR, 3 * incidents, "Action=ListAccessKeys&");
            proxy.inject(FaultProxy.Kind.DROP, 3 * incidents, "Action=UpdateAccessKey&");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            ResponseStage stage = new ResponseStage(response, List.of(), new AlertConfig(inbox.topicArn, 50, 256),
                    new AwsConfig(MotoServer.REGION, proxy.endpoint().toString()));
            COLLECTED.clear();
            stage.apply(findings(env, incidents, "flaky-")).addSink(new Collect()).name("collect");
            JobClient job = env.executeAsync("iam-flaky");
            List<ActionResult> results = new ArrayList<>();
            Set<String> contained = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            try {
                while ((contained.size() < incidents || results.stream().filter(r -> r.action == PlannedAction.Type.ALERT
                        && r.outcome == Outcome.DONE && r.detail.startsWith("FINDING")).count() < incidents)
                        && System.nanoTime() < deadline) {
                    ActionResult result = COLLECTED.poll();
                    if (result == null) {
                        Thread.sleep(50);
                        continue;
                    }
                    results.add(result);
                    if (result.action == PlannedAction.Type.CONTAIN
                            && (result.outcome == Outcome.DONE || result.outcome == Outcome.ALREADY_DONE)) {
                        contained.add(result.target);
                    }
                }
            } finally {
                job.cancel().get();
            }
            assertThat(contained).hasSize(incidents);
            assertThat(results).filteredOn(r -> r.action == PlannedAction.Type.CONTAIN && ResponseExecutor.isFailure(r.outcome))
                    .as("whole attempts failed and were retried from state").isNotEmpty();
            assertThat(results).filteredOn(r -> r.action == PlannedAction.Type.ALERT && r.detail.startsWith("FINDING"))
                    .extracting(r -> r.outcome).containsOnly(Outcome.DONE).hasSize(incidents);
            assertThat(proxy.injected()).as("every fault was served").isEqualTo(9 * incidents);
        }
        assertEveryUserContained("flaky-", incidents);
    }

    private static void assertEveryUserContained(String prefix, int count) {
        try (IamClient iam = MotoClients.iam(MOTO, ACCOUNT)) {
            for (int i = 0; i < count; i++) {
                String user = prefix + i;
                assertThat(iam.listUserPolicies(r -> r.userName(user)).policyNames()).as(user).contains("TrailWardenQuarantine");
                assertThat(iam.listAccessKeys(r -> r.userName(user)).accessKeyMetadata()).as(user)
                        .allSatisfy(key -> assertThat(key.status()).isEqualTo(StatusType.INACTIVE));
                assertThatThrownBy(() -> iam.getLoginProfile(r -> r.userName(user))).as(user)
                        .isInstanceOf(NoSuchEntityException.class);
            }
        }
    }
}
