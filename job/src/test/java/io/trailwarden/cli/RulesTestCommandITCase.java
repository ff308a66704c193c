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
                .containsPattern("backdoor-admin-user +two sessions of one role build the backdoor.* +alert +alert +pass")
                .contains("13 passed, 0 failed (1 rules)");
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

    /** One author's broken draft neither blocks testing a rule by name nor the other rules of the folder. */
    @Test
    void anInvalidFileDoesNotBlockTestingTheOthers(@TempDir Path dir) throws Exception {
        Files.copy(RULES.resolve("iam-user-created.yaml"), dir.resolve("iam-user-created.yaml"));
        Files.writeString(dir.resolve("draft.yaml"), "id: draft\nseverity: High\n");

        CliRun one = CliRun.of("rules", "test", dir.toString(), "--rule", "iam-user-created");
        assertThat(one.exitCode).as(one.toString()).isZero();
        assertThat(one.err).doesNotContain("draft.yaml");

        CliRun all = CliRun.of("rules", "test", dir.toString());
        assertThat(all.exitCode).as(all.toString()).isEqualTo(TrailWardenCli.FAILED);
        assertThat(all.err).contains("draft.yaml:2: severity must be one of");
        assertThat(all.out).contains("5 passed, 0 failed (1 rules; invalid rule files not tested");
    }

    /** A case that goes the wrong way says which condition failed on which event, and what a threshold counted. */
    @Test
    void aFailingCaseIsExplained(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("secrets-retrieval-burst.yaml"), Files.readString(
                RULES.resolve("secrets-retrieval-burst.yaml")).replace("atLeast: 15", "atLeast: 21")
                // the 42-parameter case, made to expect one finding more than suppression lets through
                .replace("suppression period).\n    expect: alert\n    findings: 1", "suppression period).\n    expect: alert\n    findings: 2"));
        Files.writeString(dir.resolve("iam-user-created.yaml"), Files.readString(RULES.resolve("iam-user-created.yaml"))
                .replaceFirst("eventName: CreateUser", "eventName: CreateUsers"));

        CliRun run = CliRun.of("rules", "test", dir.toString(), "--corpus",
                RulesValidateCommandTest.repoRoot().resolve("job/src/test/resources/corpus/stratus-detonations.cloudtrail.json")
                        .toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.FAILED);
        assertThat(run.out).contains("threshold: distinct 20 < 21 within 600s")
                .contains("1 findings, expected 2")
                .containsPattern("step 'match', event 1 \\(CreateUser [0-9a-f-]+\\), line \\d+: eventName equals"
                        + " \\[CreateUsers\\] does not hold; eventName is \\[CreateUser\\]");
    }

    @Test
    void explainNamesTheFindingsContext() throws Exception {
        Path input = RulesValidateCommandTest.repoRoot().resolve(
                "job/src/test/resources/corpus/stratus-detonations.cloudtrail.json");
        CliRun run = CliRun.of("rules", "explain", "iam-role-trust-opened-to-outside-account", "--rules", RULES.toString(),
                "--input", input.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).contains("312 events")
                .contains("FINDING Role stratus-red-team-backdoor-r-role trusts outside account 193672423079")
                .contains("FINDING Role stratus-red-team-malicious-iam-role trusts outside account 193672423079")
                .contains("outside account: 193672423079")
                .containsPattern("step 'match' \\(line \\d+\\): 2 of 312 events satisfy its conditions");
    }
}
