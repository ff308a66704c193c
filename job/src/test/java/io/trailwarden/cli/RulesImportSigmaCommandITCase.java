package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.DetectionConfig;
import io.trailwarden.config.ListsConfig;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.rules.runtime.RuleTestRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 38 SigmaHQ CloudTrail rules (job/src/test/resources/sigma, unmodified, DRL 1.1) through
 * {@code rules import-sigma}; then every converted rule's generated cases through the real parser and
 * compiled operators on a mini-cluster: a record built from the rule's own selection fires, and one
 * built from its filter (or with its selection broken) does not.
 */
class RulesImportSigmaCommandITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final Path SIGMA = RulesValidateCommandTest.repoRoot().resolve("job/src/test/resources/sigma/cloudtrail");

    /** The Sigma rules without an ATT&CK technique tag, which the catalogue requires of every rule. */
    static final Set<String> WITHOUT_TECHNIQUE = Set.of("aws_cloudtrail_vpc_flow_logs_deleted.yml",
            "aws_efs_fileshare_modified_or_deleted.yml", "aws_lambda_function_url.yml", "aws_new_lambda_layer_attached.yml");

    @TempDir
    static Path out;
    private static CliRun run;
    private static List<Rule> rules;
    private static List<RuleTestRunner.CaseResult> results;

    @BeforeAll
    static void importAndRunEveryGeneratedCase() throws Exception {
        run = CliRun.of("rules", "import-sigma", SIGMA.toString(), "--out", out.toString());
        System.out.println(run.out);
        rules = RuleCatalogue.loader(ListsConfig.defaults().lists, DetectionConfig.defaults())
                .load(RuleLoader.readDirectory(out));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        results = new RuleTestRunner().run(rules, ListsConfig.defaults().lists, env);
    }

    static Stream<String> sigmaFiles() throws Exception {
        try (Stream<Path> files = Files.list(SIGMA)) {
            return files.map(file -> file.getFileName().toString()).sorted().collect(Collectors.toList()).stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sigmaFiles")
    void convertsAndFiresOnItsSelectionNotOnItsFilter(String file) {
        if (WITHOUT_TECHNIQUE.contains(file)) {
            assertThat(run.out).containsPattern(file.replace(".", "\\.") + " +NOT CONVERTED +no ATT&CK technique tag");
            return;
        }
        String id = "sigma-" + file.replace(".yml", "").replace('_', '-');
        assertThat(run.out).as(run.toString()).containsPattern(file.replace(".", "\\.") + " +converted +" + id);
        List<RuleTestRunner.CaseResult> own = results.stream().filter(r -> r.ruleId.equals(id)).collect(Collectors.toList());
        assertThat(own).as(id).anyMatch(r -> r.testCase.expectAlert && r.testCase.name.startsWith("selection"));
        assertThat(own).as(id).anyMatch(r -> !r.testCase.expectAlert);
        for (RuleTestRunner.CaseResult result : own) {
            assertThat(result.passed()).as(id + ": " + result.testCase.name + ": " + result.explanation()).isTrue();
        }
    }

    @Test
    void everyRuleIsAccountedForAndConvertedRulesAreAlertOnly() throws Exception {
        assertThat(run.exitCode).isEqualTo(TrailWardenCli.FAILED);
        assertThat(run.out).contains("34 of 38 Sigma rules converted");
        assertThat(rules).hasSize(34).allMatch(rule -> rule.response.contain == io.trailwarden.rules.model.ResponseSpec.Contain.NONE);
    }
}
