package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedSet;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The catalogue against the real attack corpus: every Stratus Red Team technique's detonation records,
 * replayed on their own, give a finding of the rule written for that technique.
 */
class TechniqueCoverageITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final Path CORPUS = RepoRules.repoRoot().resolve("job/src/test/resources/corpus/stratus_detonation_logs.jsonl");

    /** The rule written for each technique (other rules may find it too). */
    static final Map<String, String> RULE_FOR_TECHNIQUE = Map.ofEntries(
            Map.entry("aws.credential-access.ec2-get-password-data", "ec2-password-data-retrieval-burst"),
            Map.entry("aws.credential-access.ec2-steal-instance-credentials", "instance-credentials-from-user-address"),
            Map.entry("aws.credential-access.secretsmanager-batch-retrieve-secrets", "secretsmanager-batch-retrieval-by-filter"),
            Map.entry("aws.credential-access.secretsmanager-retrieve-secrets", "secretsmanager-secret-harvesting"),
            Map.entry("aws.credential-access.ssm-retrieve-securestring-parameters", "ssm-securestring-harvesting"),
            Map.entry("aws.defense-evasion.cloudtrail-delete", "cloudtrail-logging-tampered"),
            Map.entry("aws.defense-evasion.cloudtrail-event-selectors", "cloudtrail-logging-tampered"),
            Map.entry("aws.defense-evasion.cloudtrail-stop", "cloudtrail-logging-tampered"),
            Map.entry("aws.defense-evasion.dns-delete-logs", "route53-resolver-query-logging-deleted"),
            Map.entry("aws.defense-evasion.organizations-leave", "organizations-leave-attempted"),
            Map.entry("aws.defense-evasion.vpc-remove-flow-logs", "vpc-flow-logs-deleted"),
            Map.entry("aws.defense-evasion.bedrock-guardrail-delete", "bedrock-guardrail-deleted"),
            Map.entry("aws.defense-evasion.bedrock-model-invocation-logging-delete", "bedrock-invocation-logging-deleted"),
            Map.entry("aws.discovery.ec2-download-user-data", "ec2-user-data-sweep"),
            Map.entry("aws.execution.ec2-launch-unusual-instances", "ec2-gpu-or-large-instance-launch"),
            Map.entry("aws.execution.ec2-user-data", "ec2-user-data-modified"),
            Map.entry("aws.execution.ssm-send-command", "ssm-shell-command-by-person"),
            Map.entry("aws.execution.ssm-start-session", "ssm-sessions-to-many-instances"),
            Map.entry("aws.exfiltration.ec2-security-group-open-port-22-ingress", "security-group-ssh-open-to-internet"),
            Map.entry("aws.exfiltration.ec2-share-ami", "ec2-ami-shared-with-other-account"),
            Map.entry("aws.exfiltration.ec2-share-ebs-snapshot", "ebs-snapshot-shared-with-other-account"),
            Map.entry("aws.exfiltration.rds-share-snapshot", "rds-snapshot-shared-with-other-account"),
            Map.entry("aws.impact.bedrock-invoke-model", "bedrock-model-access-enabled-then-invoked"),
            Map.entry("aws.initial-access.console-login-without-mfa", "console-login-without-mfa"),
            Map.entry("aws.lateral-movement.ec2-instance-connect", "ec2-instance-connect-keys-to-many-instances"),
            Map.entry("aws.lateral-movement.ec2-serial-console-send-ssh-public-key", "ec2-serial-console-access"),
            Map.entry("aws.persistence.iam-backdoor-role", "iam-role-trust-policy-changed"),
            Map.entry("aws.persistence.iam-backdoor-user", "iam-access-key-created-for-other-user"),
            Map.entry("aws.persistence.iam-create-admin-user", "backdoor-admin-user"),
            Map.entry("aws.persistence.iam-create-backdoor-role", "iam-role-created-trusting-an-account"),
            Map.entry("aws.persistence.iam-create-user-login-profile", "iam-login-profile-for-other-user"),
            Map.entry("aws.persistence.lambda-backdoor-function", "lambda-function-invocable-by-anyone"),
            Map.entry("aws.persistence.lambda-layer-extension", "lambda-layer-added-to-function"),
            Map.entry("aws.persistence.lambda-overwrite-code", "lambda-code-replaced-by-person"),
            Map.entry("aws.persistence.rolesanywhere-create-trust-anchor", "rolesanywhere-trust-anchor-created"),
            Map.entry("aws.persistence.sts-federation-token", "sts-federation-token-by-user"),
            Map.entry("aws.privilege-escalation.iam-update-user-login-profile", "iam-login-profile-for-other-user"));

    private static TechniqueCorpus corpus;
    private static Map<String, SortedSet<String>> coverage;

    @BeforeAll
    static void replayEveryTechnique() throws Exception {
        corpus = TechniqueCorpus.read(CORPUS);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        coverage = TechniqueCoverage.of(RepoRules.load(), ListsConfig.defaults().lists, corpus, env);
    }

    @Test
    void theCorpusHoldsThirtySevenTechniquesAndReadsCleanly() {
        assertThat(corpus.problems).isEmpty();
        assertThat(corpus.recordsByTechnique).hasSize(37);
        assertThat(corpus.recordsByTechnique.values().stream().mapToInt(records -> records.size()).sum()).isEqualTo(312);
    }

    @Test
    void everyTechniqueIsFoundByTheRuleWrittenForIt() {
        assertThat(coverage.keySet()).containsExactlyInAnyOrderElementsOf(RULE_FOR_TECHNIQUE.keySet());
        RULE_FOR_TECHNIQUE.forEach((technique, rule) ->
                assertThat(coverage.get(technique)).as(technique).contains(rule));
    }

    @Test
    void theRetiredDiscoveryBurstIsGone() {
        // reconnaissance-burst replaced it: distinct enumeration APIs, not every List/Describe/Get.
        coverage.forEach((technique, rules) -> assertThat(rules).as(technique).doesNotContain("discovery-burst"));
    }
}
