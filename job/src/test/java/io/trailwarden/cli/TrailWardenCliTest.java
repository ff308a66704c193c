package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract short of running a job: help, version, exit codes for bad usage. */
class TrailWardenCliTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandHasHelp() {
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of());
        collect(TrailWardenCli.commandLine(), new ArrayList<>(), commands);
        assertThat(commands).contains(List.of("run"));

        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            CliRun run = CliRun.of(args.toArray(new String[0]));
            assertThat(run.exitCode).as(String.join(" ", args)).isZero();
            assertThat(run.out).as(String.join(" ", args))
                    .startsWith("Usage: trailwarden" + (command.isEmpty() ? "" : " " + String.join(" ", command)));
        }
    }

    @Test
    void runHelpDocumentsItsOptions() {
        CliRun run = CliRun.of("run", "--help");

        assertThat(run.out).contains("--local", "--config=FILE", "--input=PATH", "--parallelism=N", "--web-ui-port=PORT");
    }

    @Test
    void versionNamesTheBuildAndFlink() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).containsPattern("trailwarden \\d+\\.\\d+\\.\\d+").contains("Apache Flink 1.20.3");
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(run.err).contains("Usage: trailwarden", "run");
    }

    @Test
    void unknownOptionsAndCommandsAreUsageErrors() {
        assertThat(CliRun.of("run", "--local", "--nope").exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(CliRun.of("explode").exitCode).isEqualTo(TrailWardenCli.USAGE);
    }

    @Test
    void runWithoutLocalNeedsTheKinesisSourceGroup() {
        CliRun run = CliRun.of("run");

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(run.err).contains("run without --local reads the Kinesis stream of the TrailWarden.Source group");
    }

    @Test
    void aMissingInputIsAUsageErrorBeforeAnyJobStarts() {
        CliRun run = CliRun.of("run", "--local", "--input", dir.resolve("missing.json").toString());

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(run.err).contains("--input: no such file or directory: " + dir.resolve("missing.json"));
    }

    @Test
    void anHtmlReportCannotBeResumedAndSaysSoBeforeReadingAnything() {
        Path report = dir.resolve("report.html");
        Path progress = dir.resolve("progress.json");

        CliRun run = CliRun.of("replay", "s3://archive/AWSLogs/", "--from", "2026-11-01", "--format", "html",
                "--out", report.toString(), "--resume", progress.toString());

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(run.err).contains("--resume needs --format jsonl or table: the html page is written whole at the end");
        assertThat(report).doesNotExist();
        assertThat(progress).doesNotExist();
    }

    @Test
    void badParallelismIsAUsageError() {
        assertThat(CliRun.of("run", "--local", "--parallelism", "0").exitCode).isEqualTo(TrailWardenCli.USAGE);
    }

    @Test
    void anInvalidConfigurationListsEveryErrorAndExitsWithTwo() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "[{\"PropertyGroupId\": \"TrailWarden.Response\","
                + " \"PropertyMap\": {\"dryRun\": \"maybe\", \"allowedProvisioners\": \"bob\"}}]");

        CliRun run = CliRun.of("run", "--local", "--config", config.toString());

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(run.err).contains(
                "configuration " + config + " is invalid:",
                "  TrailWarden.Response.dryRun: must be true or false, not 'maybe'",
                "  TrailWarden.Response.allowedProvisioners: unknown key (known: ");
        assertThat(run.out).doesNotContain("FINDING");
    }

    private static void collect(CommandLine commandLine, List<String> path, List<List<String>> into) {
        for (Map.Entry<String, CommandLine> sub : commandLine.getSubcommands().entrySet()) {
            if (sub.getValue().getCommand() instanceof CommandLine.HelpCommand) {
                continue;
            }
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getKey());
            into.add(subPath);
            collect(sub.getValue(), subPath, into);
        }
    }
}
