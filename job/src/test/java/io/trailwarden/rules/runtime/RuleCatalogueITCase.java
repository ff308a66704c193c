package io.trailwarden.rules.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.ListsConfig;
import io.trailwarden.rules.model.InvalidRulesException;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every test case of every rule file in rules/, through the real parser and the real compiled
 * operators on a mini-cluster (parallelism 2). All cases run in one job, started once for the class.
 */
class RuleCatalogueITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static List<RuleTestRunner.CaseResult> results;

    @BeforeAll
    static void runAllCases() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        results = new RuleTestRunner(TestCorpus.load(List.of(RepoRules.repoRoot().resolve(TestCorpus.REPOSITORY_CORPUS))))
                .run(RepoRules.load(), ListsConfig.defaults().lists, env);
    }

    static Stream<Arguments> cases() throws InvalidRulesException {
        return RepoRules.load().stream()
                .flatMap(rule -> rule.tests.stream().map(test -> Arguments.of(rule.id, test.name)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void caseGivesTheExpectedVerdict(String ruleId, String caseName) {
        RuleTestRunner.CaseResult result = results.stream()
                .filter(r -> r.ruleId.equals(ruleId) && r.testCase.name.equals(caseName))
                .findFirst().orElseThrow();
        assertThat(result.passed()).as(result.file + ":" + result.testCase.line + " " + result.explanation()).isTrue();
    }

    /** Unless a case says how many findings it expects (a threshold that fires again after it resets). */
    @Test
    void oneIncidentIsOneFinding() {
        for (RuleTestRunner.CaseResult result : results) {
            if (result.testCase.expectFindings == null) {
                assertThat(result.findings).as(result.ruleId + ": " + result.testCase.name).hasSizeLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void everyRuleOfTheIssueIsInTheCatalogue() throws InvalidRulesException {
        assertThat(RepoRules.load()).extracting(rule -> rule.id).contains(
                "iam-user-created", "iam-access-key-created-for-other-user", "iam-login-profile-for-other-user",
                "iam-admin-policy-attached", "backdoor-admin-user", "console-login-then-s3-enumeration",
                "s3-enumeration-then-object-access", "cloudtrail-logging-tampered", "guardduty-disabled",
                "console-login-without-mfa", "root-account-usage", "console-login-failure-burst", "reconnaissance-burst",
                "iam-role-trust-opened-to-outside-account", "secrets-retrieval-burst");
    }
}
