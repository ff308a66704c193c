package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.Corpus;
import java.io.ByteArrayOutputStream;
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
 * {@code trailwarden replay} in its own JVM at {@code -Xmx1g} over two gzip bombs of 1 GiB of zeros
 * each (gzipped once, or twice) beside the real corpus as a CloudTrail delivery file: the bombs are dead
 * letters naming their files, the process does not run out of memory, and the good file's findings all
 * come out. The bombs are generated here, streaming (about a megabyte each), never committed.
 */
class GzipBombReplayITCase {
    /** Delivered after its last record (2025-03-26T17:22:33Z), as CloudTrail would; the bombs before and after it. */
    private static final String GOOD_FILE = "229654561268_CloudTrail_us-east-1_20250326T1725Z_good.json.gz";
    private static final String BOMB_1 = "111122223333_CloudTrail_us-east-1_20240801T1300Z_bomb1.json.gz";
    private static final String BOMB_2 = "111122223333_CloudTrail_us-east-1_20250326T1800Z_bomb2.json.gz";

    /**
     * {@code mebibytes} of zeros in {@code layers} of gzip. The innermost layer is a mebibyte of zeros
     * compressed once and written again and again as gzip members one after another, which a gzip
     * reader inflates as one stream: the bomb costs a megabyte of writing, not a gigabyte of deflating.
     */
    private static void writeGzipOfZeros(Path file, int mebibytes, int layers) throws IOException {
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(member)) {
            gzip.write(new byte[1 << 20]);
        }
        OutputStream out = Files.newOutputStream(file);
        for (int layer = 1; layer < layers; layer++) {
            out = new GZIPOutputStream(out, 1 << 16);
        }
        try (OutputStream bomb = out) {
            for (int written = 0; written < mebibytes; written++) {
                member.writeTo(bomb);
            }
        }
    }

    /** An archive of the good file with the bombs delivered before and after it, in CloudTrail's layout. */
    private static Path archive(Path dir, int bombLayers) throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        writeGzipOfZeros(archive.resolve(BOMB_1), 1024, bombLayers);
        Files.copy(archive.resolve(BOMB_1), archive.resolve(BOMB_2));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive.resolve(GOOD_FILE)))) {
            out.write(Files.readAllBytes(Corpus.path(Corpus.RECORDS_FILE)));
        }
        return archive;
    }

    /** Replays {@code archive} at {@code -Xmx1g}, asserts the good file's findings, returns stderr. */
    private static String replayAndCheckFindings(Path dir, Path archive) throws Exception {
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
        assertThat(err).doesNotContain("OutOfMemoryError")
                .containsPattern("findings +" + ReplayCommandITCase.CORPUS_FINDINGS);
        List<String> lines = Files.readAllLines(findings);
        assertThat(lines).hasSize(ReplayCommandITCase.CORPUS_FINDINGS + ReplayCommandITCase.CORPUS_INCIDENT_UPDATES)
                .anySatisfy(line -> assertThat(line).contains("\"backdoor-admin-user\""));
        return err;
    }

    @Test
    void bombsAreDeadLettersAndTheGoodFilesFindingsComeOut(@TempDir Path dir) throws Exception {
        String err = replayAndCheckFindings(dir, archive(dir, 1));

        assertThat(err).as("no progress bar when stderr is not a terminal").doesNotContain("\r");
        assertThat(err)
                .containsPattern("bomb1\\.json\\.gz +unreadable input: decompresses beyond the decompression budget")
                .containsPattern("bomb2\\.json\\.gz +unreadable input: decompresses beyond the decompression budget");
    }

    /**
     * The reader inflates the outer layer within the budget into a unit of about a megabyte; the parser
     * inflates the inner one, and must do so within the same budget, not beside it.
     */
    @Test
    void doublyGzippedBombsAreDeadLettersOfTheParserWithinTheSameBudget(@TempDir Path dir) throws Exception {
        String err = replayAndCheckFindings(dir, archive(dir, 2));

        assertThat(err)
                .containsPattern("bomb1\\.json\\.gz +gzip input not inflated: decompresses beyond the decompression budget")
                .containsPattern("bomb2\\.json\\.gz +gzip input not inflated: decompresses beyond the decompression budget");
    }
}
