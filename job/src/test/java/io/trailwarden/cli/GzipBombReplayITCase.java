package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.Corpus;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trailwarden replay} in its own JVM at {@code -Xmx1g} over two gzip files of 1 GiB of zeros
 * each beside the real corpus as a CloudTrail delivery file: the bombs are dead letters naming their
 * files, the process does not run out of memory, and the good file's twelve findings all come out.
 * The bombs are generated here (about a megabyte each), never committed.
 */
class GzipBombReplayITCase {
    private static void writeGzipOfZeros(Path file, long bytes) throws IOException {
        byte[] zeros = new byte[1 << 20];
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (long written = 0; written < bytes; written += zeros.length) {
                out.write(zeros);
            }
        }
    }

    @Test
    void bombsAreDeadLettersAndTheGoodFilesFindingsComeOut(@TempDir Path dir) throws Exception {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        // Names in CloudTrail's layout, the bombs delivered before and after the good file, which is
        // delivered after its last record (2025-03-26T17:22:33Z), as CloudTrail would.
        writeGzipOfZeros(archive.resolve("111122223333_CloudTrail_us-east-1_20240801T1300Z_bomb1.json.gz"), 1L << 30);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(
                archive.resolve("229654561268_CloudTrail_us-east-1_20250326T1725Z_good.json.gz")))) {
            out.write(Files.readAllBytes(Corpus.path(Corpus.RECORDS_FILE)));
        }
        writeGzipOfZeros(archive.resolve("111122223333_CloudTrail_us-east-1_20250326T1800Z_bomb2.json.gz"), 1L << 30);
        Path findings = dir.resolve("findings.jsonl");
        Path stderr = dir.resolve("stderr.txt");

        Process replay = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"),
                TrailWardenCli.class.getName(), "replay", "--parallelism", "3", "--max-delay", "1000d",
                "--format", "jsonl", "--out", findings.toString(), archive.toString()))
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(stderr.toFile())
                .start();
        assertThat(replay.waitFor(5, TimeUnit.MINUTES)).as("replay finishes").isTrue();

        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertThat(replay.exitValue()).as(err).isZero();
        assertThat(err).as("no progress bar when stderr is not a terminal").doesNotContain("\r");
        assertThat(err).doesNotContain("OutOfMemoryError")
                .containsPattern("bomb1\\.json\\.gz +unreadable input: decompresses beyond the decompression budget")
                .containsPattern("bomb2\\.json\\.gz +unreadable input: decompresses beyond the decompression budget")
                .containsPattern("findings +" + ReplayCommandITCase.CORPUS_FINDINGS);
        List<String> lines = Files.readAllLines(findings);
        assertThat(lines).hasSize(ReplayCommandITCase.CORPUS_FINDINGS + ReplayCommandITCase.CORPUS_INCIDENT_UPDATES).anySatisfy(line -> assertThat(line).contains("\"backdoor-admin-user\""));
    }
}
