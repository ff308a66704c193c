package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trailwarden rules coverage}: the technique -> rules table, and a failing exit when one is missed. */
class RulesCoverageCommandITCase {
    private static final Path ROOT = RulesValidateCommandTest.repoRoot();
    private static final Path CORPUS = ROOT.resolve("job/src/test/resources/corpus/stratus_detonation_logs.jsonl");

    @Test
    void aTechniqueNoRuleFindsFailsTheRunAndIsNamed(@TempDir Path dir) throws Exception {
        Files.copy(ROOT.resolve("rules/cloudtrail-logging-tampered.yaml"), dir.resolve("cloudtrail-logging-tampered.yaml"));
        Path corpus = dir.resolve("two.jsonl");
        List<String> lines = Files.readAllLines(CORPUS).stream()
                .filter(line -> line.contains("\"aws.defense-evasion.cloudtrail-stop\"")
                        || line.contains("\"aws.exfiltration.ec2-share-ami\""))
                .collect(Collectors.toList());
        lines.add("{\"technique\": \"broken\"}");
        Files.write(corpus, lines);

        CliRun run = CliRun.of("rules", "coverage", dir.toString(), "--corpus", corpus.toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.FAILED);
        assertThat(run.out).containsPattern("TECHNIQUE +RECORDS +RULES")
                .containsPattern("aws.defense-evasion.cloudtrail-stop +1 +cloudtrail-logging-tampered")
                .containsPattern("aws.exfiltration.ec2-share-ami +1 +NOT DETECTED")
                .contains("1 of 2 techniques detected by 1 rules");
        assertThat(run.err).contains("two.jsonl:3: no \"event\" object");
    }

    @Test
    void aMissingCorpusIsAUsageError(@TempDir Path dir) {
        CliRun run = CliRun.of("rules", "coverage", ROOT.resolve("rules").toString(), "--corpus", dir.resolve("none").toString());

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(run.err).contains("is not a file");
    }
}
