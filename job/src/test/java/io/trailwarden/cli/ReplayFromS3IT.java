package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.event.Corpus;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code trailwarden replay s3://...} against moto S3: the real Stratus records as an organization
 * trail's delivery file on a day in range give the catalogue's twelve findings; a backdoor user
 * created on a day outside the range is never read; a delivery file deleted or unreadable becomes a
 * dead letter naming it, not a failed replay.
 */
class ReplayFromS3IT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String BUCKET = "replay-archive";
    private static final String DAY_PREFIX = "AWSLogs/o-abcdefghij/229654561268/CloudTrail/us-east-1/2026/11/0";

    @TempDir
    Path dir;

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(content);
        }
        return compressed.toByteArray();
    }

    @BeforeAll
    static void archive() throws IOException {
        byte[] corpus = Files.readAllBytes(Corpus.path(Corpus.RECORDS_FILE));
        String outsideRange = new String(corpus, StandardCharsets.UTF_8).replace("malicious-iam-user", "outside-range-user");
        try (S3Client s3 = MotoClients.s3(MOTO)) {
            s3.createBucket(r -> r.bucket(BUCKET));
            s3.putObject(r -> r.bucket(BUCKET).key(DAY_PREFIX
                    + "2/229654561268_CloudTrail_us-east-1_20261102T1335Z_corpus.json.gz"), RequestBody.fromBytes(gzip(corpus)));
            s3.putObject(r -> r.bucket(BUCKET).key(DAY_PREFIX
                    + "9/229654561268_CloudTrail_us-east-1_20261109T0000Z_later.json.gz"),
                    RequestBody.fromBytes(gzip(outsideRange.getBytes(StandardCharsets.UTF_8))));
            s3.putObject(r -> r.bucket(BUCKET).key(DAY_PREFIX
                    + "3/229654561268_CloudTrail_us-east-1_20261103T0000Z_broken.json.gz"),
                    RequestBody.fromBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0}));
        }
    }

    private Path config() throws IOException {
        return Files.writeString(dir.resolve("config.json"), "[{\"PropertyGroupId\": \"TrailWarden.Aws\", \"PropertyMap\":"
                + " {\"region\": \"" + MotoServer.REGION + "\", \"endpointOverride\": \"" + MOTO.endpoint() + "\"}}]");
    }

    @Test
    void aWeekOfTheArchiveGivesTheFindingsOfItsDaysOnly() throws Exception {
        Path out = dir.resolve("findings.jsonl");
        CliRun run = CliRun.of("replay", "s3://" + BUCKET + "/AWSLogs/", "--from", "2026-11-01", "--to", "2026-11-08",
                "--config", config().toString(), "--max-delay", "1000d", "--format", "jsonl", "--out", out.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        List<String> findings = Files.readAllLines(out);
        assertThat(findings).hasSize(ReplayCommandITCase.CORPUS_FINDINGS + ReplayCommandITCase.CORPUS_INCIDENT_UPDATES).anySatisfy(line -> assertThat(line).contains("\"backdoor-admin-user\""))
                .noneSatisfy(line -> assertThat(line).contains("outside-range-user"));
        assertThat(run.err).containsPattern("events read +312")
                .containsPattern("s3://" + BUCKET + "/" + DAY_PREFIX + "3/229654561268_CloudTrail_us-east-1_.*"
                        + " unreadable input: gzip stream breaks off: unexpected end of data");
    }

    @Test
    void aBucketThatDoesNotExistIsReportedBeforeAnyJobStarts() throws Exception {
        CliRun run = CliRun.of("replay", "s3://no-such-archive/AWSLogs/", "--from", "2026-11-01",
                "--config", config().toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.FAILED);
        assertThat(run.err).contains("cannot list the input: s3://no-such-archive/AWSLogs/: S3 answered 404 NoSuchBucket");
    }

    @Test
    void s3NeedsADayRange() {
        CliRun run = CliRun.of("replay", "s3://" + BUCKET + "/AWSLogs/");

        assertThat(run.exitCode).isEqualTo(TrailWardenCli.USAGE);
        assertThat(run.err).contains("--from is required with an s3:// INPUT");
    }
}
