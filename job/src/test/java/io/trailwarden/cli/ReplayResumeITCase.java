package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupted replay resumes: a replay in a JVM of its own is killed (SIGKILL, no clean-up) once it
 * has taken a checkpoint; the same command started again says it resumes, reads fewer events than the
 * input holds, and the two runs' output together holds every finding of the input, none lost.
 */
class ReplayResumeITCase {
    private static final int COPIES = 200;
    private static final Pattern EVENTS_READ = Pattern.compile("events read +([\\d,]+)");

    @Test
    void aKilledReplayStartedAgainResumesAndLosesNoFinding(@TempDir Path dir) throws Exception {
        Path input = Files.createDirectories(dir.resolve("input"));
        List<String> corpus = Corpus.records();
        for (int copy = 0; copy < COPIES; copy++) {
            try (BufferedWriter out = Files.newBufferedWriter(input.resolve(String.format(Locale.ROOT, "part-%03d.jsonl", copy)))) {
                for (int i = 0; i < corpus.size(); i++) {
                    ObjectNode record = (ObjectNode) EventJson.readTree(corpus.get(i));
                    record.put("eventID", "copy-" + copy + "-" + i);
                    out.write(record.toString());
                    out.write('\n');
                }
            }
        }
        Path out = dir.resolve("findings.jsonl");
        Path resume = dir.resolve("resume");
        List<String> args = List.of("replay", "--format", "jsonl", "--out", out.toString(), "--max-delay", "1000d",
                "--parallelism", "2", "--resume-dir", resume.toString(), "--checkpoint-interval", "1s", input.toString());

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TrailWardenCli.class.getName()));
        command.addAll(args);
        Process first = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("first.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!hasCheckpoint(resume) && first.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(first.isAlive()).as("the first run is still going when its first checkpoint is complete: "
                + Files.readString(dir.resolve("first.log"))).isTrue();
        first.destroyForcibly().waitFor();
        long firstFindings = Files.exists(out) ? Files.readAllLines(out).size() : 0;

        CliRun second = CliRun.of(args.toArray(new String[0]));

        assertThat(second.exitCode).as(second.toString()).isZero();
        assertThat(second.err).contains("resuming an interrupted replay from");
        Matcher read = EVENTS_READ.matcher(second.err);
        assertThat(read.find()).isTrue();
        assertThat(Long.parseLong(read.group(1).replace(",", ""))).isLessThan((long) COPIES * corpus.size());
        Set<String> distinct = new HashSet<>();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        for (String line : lines) {
            JsonNode finding = EventJson.readTree(line);
            StringBuilder identity = new StringBuilder(finding.get("ruleId").asText());
            finding.get("events").forEach(event -> identity.append(' ').append(event.get("eventId").asText()));
            distinct.add(identity.toString());
        }
        assertThat(lines.size()).as("the first run's findings are kept").isGreaterThanOrEqualTo((int) firstFindings);
        assertThat(distinct).as("every finding of every copy, none lost").hasSize(12 * COPIES);
        assertThat(resume).isEmptyDirectory();
    }

    private static boolean hasCheckpoint(Path resume) throws Exception {
        if (!Files.isDirectory(resume)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(resume)) {
            return files.anyMatch(file -> file.getFileName().toString().equals("_metadata"));
        }
    }
}
