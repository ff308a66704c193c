package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.rules.runtime.RepoRules;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The commands with {@code TrailWarden.Rules.location} in S3 (moto): {@code rules validate} checks the
 * uploaded copy, and a local run whose catalogue cannot be read says why and does not start.
 */
class RulesFromS3IT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String BUCKET = "trailwarden-artefacts";

    @TempDir
    Path dir;

    @BeforeAll
    static void uploadTheCatalogue() throws Exception {
        Path rules = MotoServer.repoRoot().resolve("rules");
        try (S3Client s3 = MotoClients.s3(MOTO); Stream<Path> files = Files.list(rules)) {
            s3.createBucket(r -> r.bucket(BUCKET));
            for (Path file : files.filter(file -> file.toString().endsWith(".yaml")).collect(Collectors.toList())) {
                s3.putObject(r -> r.bucket(BUCKET).key("rules/" + file.getFileName()),
                        RequestBody.fromString(Files.readString(file), StandardCharsets.UTF_8));
            }
            for (String rule : List.of("iam-user-created.yaml", "vpc-flow-logs-deleted.yaml")) {
                s3.putObject(r -> r.bucket(BUCKET).key("with-sigma/" + rule),
                        RequestBody.fromString(Files.readString(rules.resolve(rule)), StandardCharsets.UTF_8));
            }
            Path sigma = MotoServer.repoRoot().resolve("job/src/test/resources/sigma/cloudtrail/aws_delete_identity.yml");
            s3.putObject(r -> r.bucket(BUCKET).key("with-sigma/aws_delete_identity.yml"),
                    RequestBody.fromString(Files.readString(sigma), StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void clearCredentials() {
    }

    private Path config(String location) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "[{\"PropertyGroupId\": \"TrailWarden.Rules\", \"PropertyMap\": {\"location\": \""
                + location + "\"}}, {\"PropertyGroupId\": \"TrailWarden.Aws\", \"PropertyMap\": {\"region\": \""
                + MotoServer.REGION + "\", \"endpointOverride\": \"" + MOTO.endpoint() + "\"}}]");
        return file;
    }

    @Test
    void rulesValidateChecksTheUploadedCatalogue() throws Exception {
        CliRun run = CliRun.of("rules", "validate", "--config", config("s3://" + BUCKET + "/rules/").toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.OK);
        assertThat(run.out).isEqualTo(RepoRules.sources().size() + " rules valid in the configured catalogue (s3://" + BUCKET + "/rules/)"
                + System.lineSeparator());
    }

    @Test
    void sigmaFilesBesideTheRulesInS3AreConvertedAndLoaded() throws Exception {
        CliRun run = CliRun.of("rules", "validate", "--config", config("s3://" + BUCKET + "/with-sigma/").toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.OK);
        assertThat(run.out).startsWith("3 rules valid in the configured catalogue (s3://" + BUCKET + "/with-sigma/)");
    }

    @Test
    void aLocalRunWhoseCatalogueCannotBeReadDoesNotStart() throws Exception {
        CliRun run = CliRun.of("run", "--local", "--config", config("s3://no-such-bucket/rules/").toString());

        assertThat(run.exitCode).as(run.toString()).isEqualTo(TrailWardenCli.FAILED);
        assertThat(List.of(run.err.split("\\R"))).contains("the rule catalogue (s3://no-such-bucket/rules/) cannot be"
                + " read; not starting: rule location s3://no-such-bucket/rules/: the bucket 'no-such-bucket' does not exist");
        assertThat(run.out).doesNotContain("FINDING");
    }
}
