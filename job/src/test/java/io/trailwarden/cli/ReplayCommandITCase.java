package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailwarden.event.Corpus;
import io.trailwarden.finding.FindingSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trailwarden replay} over the real Stratus Red Team detonation records (all 312, in
 * CloudTrail's S3 delivery shape): the findings the catalogue must produce, and nothing else.
 */
class ReplayCommandITCase {
    /** What the catalogue finds in the whole Stratus corpus; the other replay tests replay it too. */
    static final int CORPUS_FINDINGS = 46;
    /** Of those, the incidents of several matches, each closed by an incident update line after its finding. */
    static final int CORPUS_INCIDENT_UPDATES = 7;

    private static List<JsonNode> lines(String text) {
        List<JsonNode> findings = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                // Every line is a finding record of finding.schema.json.
                findings.add(FindingSchema.valid(line, "finding"));
            }
        }
        return findings;
    }

    private static String summary(JsonNode finding) {
        StringBuilder events = new StringBuilder();
        for (JsonNode event : finding.get("events")) {
            events.append(events.length() == 0 ? "" : ",").append(event.get("eventName").asText());
        }
        JsonNode target = finding.get("target");
        return finding.get("ruleId").asText() + " " + (target == null ? "-" : target.get("name").asText()) + " " + events;
    }

    @Test
    void stratusDetonationsGiveTheExpectedFindings(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("findings.jsonl");
        CliRun run = CliRun.of("replay", "--format", "jsonl", "--out", out.toString(),
                Corpus.path(Corpus.RECORDS_FILE).toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        List<JsonNode> written = lines(Files.readString(out));
        List<JsonNode> updates = written.stream().filter(line -> line.at("/incident/update").asBoolean())
                .collect(java.util.stream.Collectors.toList());
        List<JsonNode> findings = written.stream().filter(line -> !updates.contains(line))
                .collect(java.util.stream.Collectors.toList());
        assertThat(updates).as("incidents of several matches are closed with their count and span").extracting(update ->
                update.get("ruleId").asText() + " " + update.at("/incident/matches").asInt() + " "
                        + update.at("/incident/firstEventTime").asText() + ".." + update.at("/incident/lastEventTime").asText())
                .containsExactlyInAnyOrder(
                        "secretsmanager-secret-harvesting 2 2024-07-31T12:36:48Z..2024-07-31T12:36:52Z",
                        "ec2-serial-console-access 4 2024-11-26T15:35:22Z..2024-11-26T15:35:23Z",
                        "secrets-retrieval-burst 2 2024-08-01T15:26:56Z..2024-08-01T15:26:57Z",
                        "ssm-securestring-harvesting 4 2024-08-01T15:26:56Z..2024-08-01T15:26:57Z",
                        "ec2-password-data-retrieval-burst 6 2024-07-30T21:31:16Z..2024-07-30T21:31:21Z",
                        "secretsmanager-batch-retrieval-by-filter 5 2024-07-31T12:29:16Z..2024-07-31T12:29:17Z",
                        "ec2-user-data-sweep 3 2024-07-31T19:52:34Z..2024-07-31T19:52:38Z");
        assertThat(updates).extracting(update -> update.get("findingId").asText()).as("each update closes a finding written before it")
                .isSubsetOf(findings.stream().map(finding -> finding.get("findingId").asText()).collect(java.util.stream.Collectors.toList()));
        assertThat(findings).allSatisfy(finding -> assertThat(finding.at("/incident/matches").asInt()).isEqualTo(1));
        assertThat(findings).extracting(ReplayCommandITCase::summary).containsExactlyInAnyOrder(
                "backdoor-admin-user malicious-iam-user CreateUser,AttachUserPolicy,CreateAccessKey",
                "iam-user-created malicious-iam-user CreateUser",
                "iam-admin-policy-attached - AttachUserPolicy",
                "iam-admin-policy-attached - AttachRolePolicy",
                "iam-access-key-created-for-other-user malicious-iam-user CreateAccessKey",
                "iam-access-key-created-for-other-user stratus-red-team-backdoor-u-user CreateAccessKey",
                "iam-login-profile-for-other-user stratus-red-team-login-profile-user CreateLoginProfile",
                "iam-login-profile-for-other-user stratus-red-team-update-login-profile-user UpdateLoginProfile",
                "cloudtrail-logging-tampered christophe StopLogging",
                "cloudtrail-logging-tampered christophe DeleteTrail",
                "cloudtrail-logging-tampered christophe PutEventSelectors",
                "console-login-without-mfa - ConsoleLogin",
                "route53-resolver-query-logging-deleted christophe DeleteResolverQueryLogConfig",
                "ec2-gpu-or-large-instance-launch - RunInstances",
                "vpc-flow-logs-deleted - DeleteFlowLogs",
                "rds-snapshot-shared-with-other-account - ModifyDBSnapshotAttribute",
                "ssm-shell-command-by-person - SendCommand",
                "secretsmanager-batch-retrieval-by-filter - BatchGetSecretValue",
                "organizations-leave-attempted stratus-red-team-leave-org-role LeaveOrganization",
                "ec2-user-data-modified - ModifyInstanceAttribute",
                "ec2-ami-shared-with-other-account - ModifyImageAttribute",
                "bedrock-invocation-logging-deleted AWSReservedSSO_DevAdmin_635426549a280cc6 DeleteModelInvocationLoggingConfiguration",
                "security-group-ssh-open-to-internet - AuthorizeSecurityGroupIngress",
                "ebs-snapshot-shared-with-other-account - ModifySnapshotAttribute",
                "ec2-serial-console-access - EnableSerialConsoleAccess",
                "iam-role-trust-policy-changed - UpdateAssumeRolePolicy",
                "lambda-function-invocable-by-anyone - AddPermission20150331v2",
                "rolesanywhere-trust-anchor-created - CreateTrustAnchor",
                "bedrock-guardrail-deleted - DeleteGuardrail",
                "iam-role-created-trusting-an-account - CreateRole",
                "lambda-code-replaced-by-person - UpdateFunctionCode20150331v2",
                "lambda-layer-added-to-function - UpdateFunctionConfiguration20150331v2",
                "sts-federation-token-by-user - GetFederationToken",
                "ssm-shell-command-by-person - SendCommand",
                "bedrock-model-access-enabled-then-invoked - PutUseCaseForModelAccess,InvokeModel",
                "instance-credentials-from-user-address - GetCommandInvocation,GetCallerIdentity",
                "ec2-instance-connect-keys-to-many-instances - SendSSHPublicKey,SendSSHPublicKey,SendSSHPublicKey",
                "ssm-sessions-to-many-instances - StartSession,StartSession,StartSession",
                "ec2-user-data-sweep - DescribeInstanceAttribute,DescribeInstanceAttribute,DescribeInstanceAttribute,DescribeInstanceAttribute,DescribeInstanceAttribute",
                "ec2-password-data-retrieval-burst - GetPasswordData,GetPasswordData,GetPasswordData,GetPasswordData,GetPasswordData",
                "ssm-securestring-harvesting - GetParameters",
                "iam-role-trust-opened-to-outside-account stratus-red-team-malicious-iam-role CreateRole",
                "iam-role-trust-opened-to-outside-account stratus-red-team-backdoor-r-role UpdateAssumeRolePolicy",
                "secrets-retrieval-burst christophe GetParameters,GetParameters",
                "secrets-retrieval-burst christophe " + String.join(",", java.util.Collections.nCopies(15, "GetSecretValue")),
                "secretsmanager-secret-harvesting - GetSecretValue,GetSecretValue,GetSecretValue,GetSecretValue,GetSecretValue,GetSecretValue,GetSecretValue,GetSecretValue,GetSecretValue,GetSecretValue");
        JsonNode backdoor = findings.stream().filter(f -> f.get("ruleId").asText().equals("backdoor-admin-user"))
                .findFirst().orElseThrow();
        assertThat(backdoor.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(backdoor.at("/principal/arn").asText()).isEqualTo("arn:aws:iam::229654561268:user/christophe");
        assertThat(backdoor.at("/principal/identityType").asText()).isEqualTo("IAMUser");
        assertThat(backdoor.get("account").asText()).isEqualTo("229654561268");
        assertThat(backdoor.at("/target/kind").asText()).isEqualTo("IAM_USER");
        assertThat(backdoor.get("events").get(0).get("eventID").asText()).isEqualTo("3346344c-5a3e-429e-8405-420f98f75d6e");
        assertThat(backdoor.get("events").get(0).get("sourceIPAddress").asText()).isEqualTo("075.050.255.67");
        assertThat(backdoor.get("events").get(0).get("eventTime").asText()).isEqualTo("2024-08-01T13:33:28Z");
        assertThat(backdoor.get("response")).allSatisfy(step -> assertThat(step.get("dryRun").asBoolean()).isTrue());
        assertThat(backdoor.get("response")).extracting(step -> step.get("action").asText()).containsExactly("CONTAIN", "ALERT");

        assertThat(run.err).contains("replay summary").containsPattern("events read +312")
                .containsPattern("dead letters +0").containsPattern("findings +" + CORPUS_FINDINGS)
                .containsPattern("backdoor-admin-user +1").containsPattern("incident updates 7 ");
    }

    @Test
    void aRefusedRecordOfAnyStageIsCountedAndShownInTheSummary(@TempDir Path dir) throws Exception {
        Path forged = dir.resolve("forged.jsonl");
        Files.writeString(forged, "{\"eventVersion\":\"1.08\",\"eventTime\":\"2099-01-01T00:00:00Z\","
                + "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateUser\",\"eventID\":\"forged-1\","
                + "\"awsRegion\":\"us-east-1\",\"recipientAccountId\":\"229654561268\",\"userIdentity\":"
                + "{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::229654561268:user/mallory\"}}\n");
        CliRun run = CliRun.of("replay", "--rules", RulesValidateCommandTest.repoRoot().resolve("rules").toString(),
                "--format", "jsonl", "--out", dir.resolve("findings.jsonl").toString(),
                Corpus.path(Corpus.RECORDS_FILE).toString(), forged.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.err).containsPattern("dead letters +1\n").contains("dead letters: 1 (future-dated: 1)")
                .contains("forged.jsonl").containsPattern("findings +" + CORPUS_FINDINGS);
    }

    @Test
    void tableFormatPrintsOneLinePerFinding() {
        CliRun run = CliRun.of("replay", "--rules", RulesValidateCommandTest.repoRoot().resolve("rules").toString(),
                Corpus.path(Corpus.RECORDS_FILE).toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out.lines().filter(line -> line.contains("backdoor-admin-user"))).hasSize(1);
        assertThat(run.out.lines().skip(1).filter(line -> !line.contains(" closed, "))).hasSize(CORPUS_FINDINGS);
        assertThat(run.out.lines().filter(line -> line.contains(" closed, "))).hasSize(CORPUS_INCIDENT_UPDATES);
    }
}
