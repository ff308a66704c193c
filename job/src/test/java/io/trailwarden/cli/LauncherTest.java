package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code trailwarden} launcher script, run for real by bash with a {@code java} on the PATH that only
 * prints the arguments it was given, from a copy of the script beside a placeholder jar (so it does
 * not build one).
 */
class LauncherTest {
    @TempDir
    Path dir;

    @BeforeEach
    void copyTheLauncherBesideAJarAndAJavaThatEchoes() throws IOException {
        Path launcher = dir.resolve("trailwarden");
        Files.copy(Path.of("..", "trailwarden"), launcher);
        Files.createDirectories(dir.resolve("job/target"));
        Files.writeString(dir.resolve("job/target/trailwarden.jar"), "placeholder");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aReplayGetsTheThroughputCollector() throws Exception {
        assertThat(javaArguments(null, "replay", "archive/")).contains("-XX:+UseParallelGC")
                .endsWith("-jar", dir.resolve("job/target/trailwarden.jar").toString(), "replay", "archive/");
    }

    @Test
    void otherCommandsKeepTheDefaultCollector() throws Exception {
        assertThat(javaArguments(null, "run", "--local")).doesNotContain("-XX:+UseParallelGC");
        assertThat(javaArguments(null, "rules", "validate", "replay")).doesNotContain("-XX:+UseParallelGC");
    }

    @Test
    void aReplayGetsTheCompilerOptionsBeforeTheUsersOptions() throws Exception {
        String options = "@" + dir.resolve("scripts/replay-compiler.options");
        List<String> arguments = javaArguments("-XX:Tier4InvocationThreshold=5000", "replay", "archive/");
        assertThat(arguments).contains(options);
        assertThat(arguments.indexOf(options)).isLessThan(arguments.indexOf("-XX:Tier4InvocationThreshold=5000"));
        assertThat(javaArguments(null, "run", "--local")).doesNotContain(options);
    }

    @Test
    void theCompilerOptionsFileIsOneTheJvmAccepts() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(),
                "@" + Path.of("..", "scripts", "replay-compiler.options").toAbsolutePath(),
                "-XX:+PrintFlagsFinal", "-version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("Tier4InvocationThreshold += 50000 .*command line")
                .containsPattern("Tier4BackEdgeThreshold += 400000 .*command line");
    }

    @Test
    void aCollectorChosenInTheOptionsWins() throws Exception {
        assertThat(javaArguments("-XX:+UseG1GC -Xmx2g", "replay", "archive/"))
                .contains("-XX:+UseG1GC", "-Xmx2g").doesNotContain("-XX:+UseParallelGC");
    }

    @Test
    void otherOptionsKeepTheReplaysCollector() throws Exception {
        assertThat(javaArguments("-Xmx2g -Xlog:gc", "replay", "archive/"))
                .contains("-XX:+UseParallelGC", "-Xmx2g", "-Xlog:gc");
    }

    private List<String> javaArguments(String javaOptions, String... command) throws Exception {
        List<String> bash = new ArrayList<>(List.of("bash", dir.resolve("trailwarden").toString()));
        bash.addAll(Arrays.asList(command));
        ProcessBuilder builder = new ProcessBuilder(bash).redirectErrorStream(true);
        builder.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        if (javaOptions == null) {
            builder.environment().remove("TRAILWARDEN_JAVA_OPTS");
        } else {
            builder.environment().put("TRAILWARDEN_JAVA_OPTS", javaOptions);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().collect(Collectors.toList());
    }
}
