package io.trailwarden.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.FindingSchema;
import io.trailwarden.pipeline.StreamingJob;
import io.trailwarden.respond.AlertFormatter;
import io.trailwarden.source.Kinesalite;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The production path on this machine: EventBridge-shaped CloudTrail records in a kinesalite stream,
 * the production job graph ({@link StreamingJob#build}: Kinesis source, parse, dedup, event time, the
 * packaged rule catalogue, responders) on a mini-cluster, IAM and SNS on a moto server. The two
 * motivating incidents are delivered shuffled among benign traffic; afterwards the backdoor user and
 * the compromised user are quarantined in IAM, the alerts are in the SQS queue subscribed to the
 * topic, and nobody else was touched.
 */
class EndToEndIT {
    private static final String ACCOUNT = MotoServer.DEFAULT_ACCOUNT;
    private static final String STREAM = "cloudtrail-events";
    private static final String QUARANTINE_POLICY = "TrailWardenQuarantine";
    private static final String AUDIT_BUCKET = "trailwarden-audit";
    private static final List<String> BENIGN = List.of("bob", "carol", "dave");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static Kinesalite kinesalite;
    private static MotoServer moto;

    @BeforeAll
    static void startEmulators() throws Exception {
        kinesalite = Kinesalite.start();
        moto = new MotoServer().start();
    }

    @AfterAll
    static void stopEmulators() throws Exception {
        moto.close();
        kinesalite.close();
    }

    @Test
    void containsBothIncidentsAlertsAndLeavesBenignPrincipalsAlone() throws Exception {
        IamClient iam = MotoClients.iam(moto, ACCOUNT);
        for (String user : List.of("christophe", "malicious-iam-user", "mallory", "bob", "carol", "dave")) {
            MotoAccount.userWithKeyAndPassword(iam, user);
        }
        MotoAccount.AlertInbox inbox = MotoAccount.inbox(moto, "trailwarden-alerts");
        kinesalite.createStream(STREAM, 2);

        Instant t0 = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
        IncidentTraffic traffic = new IncidentTraffic(ACCOUNT);
        List<IncidentTraffic.Put> puts = new ArrayList<>();
        puts.addAll(traffic.backdoor("christophe", "malicious-iam-user", t0.plusSeconds(60)));
        puts.addAll(traffic.consoleEnumeration("mallory", "payroll-exports", t0));
        puts.add(traffic.listBuckets("bob", t0.plusSeconds(30)));
        puts.add(traffic.getObject("bob", "payroll-exports", t0.plusSeconds(200)));
        puts.addAll(traffic.consoleEnumeration("carol", "public-assets", t0.plusSeconds(10)));
        puts.addAll(traffic.consoleLoginAndList("dave", t0.plusSeconds(40)));
        Collections.shuffle(puts, new Random(20261122));
        // Later traffic moves event time past the incidents; several records so every subtask sees some.
        for (int i = 0; i < 6; i++) {
            puts.add(traffic.listBuckets("dave", Instant.now()));
        }
        for (IncidentTraffic.Put put : puts) {
            kinesalite.put(STREAM, put.partitionKey, put.json.getBytes(StandardCharsets.UTF_8));
        }

        S3Client s3 = MotoClients.s3(moto);
        s3.createBucket(r -> r.bucket(AUDIT_BUCKET));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // The audit store commits at checkpoints, as on MSF.
        env.enableCheckpointing(500);
        StreamingJob.build(env, TrailWardenConfig.from(configuration(inbox.topicArn)), Kinesalite.ENVIRONMENT);
        JobClient job = env.executeAsync("trailwarden-end-to-end");
        try {
            MotoAccount.await(job, () -> isQuarantined(iam, "malicious-iam-user") && isQuarantined(iam, "mallory"),
                    Duration.ofSeconds(120));
            List<JsonNode> alerts = inbox.awaitRules(
                    Set.of("iam-user-created", "backdoor-admin-user", "console-login-then-s3-enumeration"),
                    Duration.ofSeconds(60));
            // A wrong containment would be as quick as the right ones; give it the same time to show.
            Thread.sleep(3000);

            for (String contained : List.of("malicious-iam-user", "mallory")) {
                assertThat(MotoAccount.keyStatuses(iam, contained)).as(contained).containsOnly(StatusType.INACTIVE);
                assertThat(MotoAccount.hasLoginProfile(iam, contained)).as(contained).isFalse();
            }
            for (String user : List.of("christophe", "bob", "carol", "dave")) {
                assertThat(iam.listUserPolicies(r -> r.userName(user)).policyNames()).as(user).doesNotContain(QUARANTINE_POLICY);
                assertThat(MotoAccount.keyStatuses(iam, user)).as(user).containsOnly(StatusType.ACTIVE);
                assertThat(MotoAccount.hasLoginProfile(iam, user)).as(user).isTrue();
            }

            JsonNode enumeration = alertOf(alerts, "console-login-then-s3-enumeration");
            assertThat(enumeration.get("Message").asText())
                    .contains("mallory", "ConsoleLogin", "ListBuckets", "GetObject", "225.01.00.16");
            JsonNode backdoor = alertOf(alerts, "backdoor-admin-user");
            assertThat(backdoor.get("Message").asText())
                    .contains("malicious-iam-user", "christophe", "CreateUser", "AttachUserPolicy", "CreateAccessKey");
            Set<String> containingRulesAboutBenignUsers = new TreeSet<>();
            for (JsonNode alert : inbox.receivedSoFar()) {
                String rule = alert.at("/MessageAttributes/ruleId/Value").asText();
                if (rule.contains("enumeration") && BENIGN.stream().anyMatch(alert.get("Message").asText()::contains)) {
                    containingRulesAboutBenignUsers.add(rule);
                }
            }
            assertThat(containingRulesAboutBenignUsers).isEmpty();

            // Every alert read back from SNS carries a finding document valid against finding.schema.json.
            for (JsonNode alert : inbox.receivedSoFar()) {
                String message = alert.get("Message").asText();
                FindingSchema.valid(message.substring(message.indexOf(AlertFormatter.JSON_SEPARATOR)
                        + AlertFormatter.JSON_SEPARATOR.length()), "finding");
            }
            List<JsonNode> audit = awaitAuditRecords(s3, record -> record.get("outcome").asText().equals("DONE")
                    && record.get("action").asText().equals("CONTAIN")
                    // The target is labelled by its ARN where the rule knows it, else by kind and name.
                    && record.get("target").asText().matches(".*[/ ]malicious-iam-user"), Duration.ofSeconds(60));
            assertThat(audit).as("DONE containments of malicious-iam-user among %s",
                    awaitAuditRecords(s3, record -> true, Duration.ZERO)).isNotEmpty();
        } finally {
            job.cancel().get();
        }
    }

    private PropertyGroups configuration(String topicArn) {
        return PropertyGroups.of(Map.of(
                "TrailWarden.Source", kinesalite.sourceGroup(STREAM),
                "TrailWarden.Detection", Map.of("outOfOrderness", "10m", "idleness", "2s"),
                "TrailWarden.Response", Map.of("dryRun", "false", "ownAccountId", ACCOUNT),
                "TrailWarden.Alerts", Map.of("topicArn", topicArn),
                "TrailWarden.Aws", Map.of("region", MotoServer.REGION, "endpointOverride", moto.endpoint().toString()),
                "TrailWarden.Audit", Map.of("location", "s3://" + AUDIT_BUCKET + "/audit/"),
                "TrailWarden.Lists", Map.of("sensitiveBuckets", "payroll-exports")));
    }

    private static boolean isQuarantined(IamClient iam, String user) {
        return iam.listUserPolicies(r -> r.userName(user)).policyNames().contains(QUARANTINE_POLICY);
    }


    /** Audit records committed so far under audit/, each checked against the schema, once one matches. */
    private static List<JsonNode> awaitAuditRecords(S3Client s3, Predicate<JsonNode> wanted, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<JsonNode> records = new ArrayList<>();
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(AUDIT_BUCKET).prefix("audit/audit/")).contents()) {
                String content = s3.getObjectAsBytes(r -> r.bucket(AUDIT_BUCKET).key(object.key())).asUtf8String();
                for (String line : content.split("\n")) {
                    records.add(FindingSchema.valid(line, "audit"));
                }
            }
            if (records.stream().anyMatch(wanted) || System.nanoTime() > deadline) {
                return records.stream().filter(wanted).collect(Collectors.toList());
            }
            Thread.sleep(500);
        }
    }

    private static JsonNode alertOf(List<JsonNode> alerts, String ruleId) {
        return alerts.stream()
                .filter(alert -> ruleId.equals(alert.at("/MessageAttributes/ruleId/Value").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alert of " + ruleId));
    }
}
