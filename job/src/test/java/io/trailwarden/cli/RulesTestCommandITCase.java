package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trailwarden rules test}: the real parser and compiled rules on a local mini-cluster. */
class RulesTestCommandITCase {
    private static final Path RULES = RulesValidateCommandTest.repoRoot().resolve("rules");

    @Test
    void oneRulesCasesPassAndAreTabulated() {
        CliRun run = CliRun.of("rules", "test", RULES.toString(), "--rule", "backdoor-admin-user");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).containsPattern("RULE +CASE +EXPECTED +GOT +RESULT")
                .containsPattern("backdoor-admin-user +stratus iam-create-admin-user, same second.* +alert +alert +pass")
                .containsPattern("backdoor-admin-user +credentials issued 31 minutes.* +none +none +pass")
                .contains("5 passed, 0 failed (1 rules)");
    }

    @Test
    void aWrongExpectationFailsTheRun(@TempDir Path dir) throws Exception {
        String rule = Files.readString(RULES.resolve("iam-user-created.yaml"))
                .replaceFirst("expect: none", "expect: alert");
        Files.writeString(dir.resolve("iam-user-created.yaml"), rule);

        CliRun run = CliRun.of("rules", "test", dir.toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.FAILED);
        assertThat(run.out).containsPattern("iam-user-created +CreateUser denied \\(synthetic\\) +alert +none +FAIL")
                .contains("4 passed, 1 failed (1 rules)");
    }

    @Test
    void anUnknownRuleIsAUsageError() {
        CliRun run = CliRun.of("rules", "test", RULES.toString(), "--rule", "no-such-rule");

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(run.err).contains("no rule 'no-such-rule'");
    }
}
