package io.trailwarden.rules.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.RulesConfig;
import io.trailwarden.config.S3Location;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.rules.model.RuleError;
import io.trailwarden.rules.runtime.RepoRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.S3Clients;
import io.trailwarden.testing.MotoClients;
import io.trailwarden.testing.MotoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Rules from {@code s3://bucket/prefix/} against a real moto server: the repository's catalogue
 * uploaded the way rules/README.md ships it loads to the same rules as the packaged one, errors name
 * the object ({@code s3://bucket/key:line}), and the bounds and a missing bucket stop the start with
 * the reason. The job's own path is used: the configuration's location and {@code TrailWarden.Aws},
 * credentials from the SDK's default chain.
 */
class S3RuleSourcesIT {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String BUCKET = "trailwarden-artefacts-123456789012";
    private static final Path BROKEN = RepoRules.repoRoot().resolve("job/src/test/resources/broken-rules");
    private static S3Client s3;

    @BeforeAll
    static void uploadTheCatalogue() throws IOException {
        s3 = MotoClients.s3(MOTO);
        s3.createBucket(r -> r.bucket(BUCKET));
        // What `aws s3 sync rules/ s3://BUCKET/rules/` uploads: the rules, their README and the schema folder.
        try (var files = Files.walk(RepoRules.directory())) {
            for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                String key = "rules/" + RepoRules.directory().relativize(file).toString().replace('\\', '/');
                put(key, Files.readString(file));
            }
        }
        // A rule file in a sub-folder is not part of the catalogue, as in a directory.
        put("rules/retired/old-rule.yaml", "id: old-rule\n");
        put("broken/bad-cidr.yaml", Files.readString(BROKEN.resolve("bad-cidr.yaml")));
        put("broken/id-mismatch.yaml", Files.readString(BROKEN.resolve("id-mismatch.yaml")));
    }

    @AfterAll
    static void close() {
        if (s3 != null) {
            s3.close();
        }
    }

    private static void put(String key, String text) {
        s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString(text, StandardCharsets.UTF_8));
    }

    private static TrailWardenConfig config(String location) throws Exception {
        return TrailWardenConfig.from(PropertyGroups.of(Map.of(
                RulesConfig.GROUP, Map.of("location", location),
                AwsConfig.GROUP, Map.of("region", MotoServer.REGION, "endpointOverride", MOTO.endpoint().toString()))));
    }

    @Test
    void theCatalogueFromS3IsThePackagedCatalogue() throws Exception {
        TrailWardenConfig fromS3 = config("s3://" + BUCKET + "/rules/");
        TrailWardenConfig packaged = TrailWardenConfig.defaults();

        List<Rule> rules = RuleCatalogue.load(fromS3);

        assertThat(rules).extracting(rule -> rule.id)
                .containsExactlyElementsOf(RuleCatalogue.load(packaged).stream().map(rule -> rule.id).collect(Collectors.toList()));
        assertThat(rules).extracting(rule -> rule.file)
                .allSatisfy(file -> assertThat(file).matches("s3://" + BUCKET + "/rules/[a-z0-9-]+\\.yaml"));
        assertThat(RuleCatalogue.compile(fromS3).rules()).hasSameSizeAs(RuleCatalogue.compile(packaged).rules())
                .hasSize(RepoRules.sources().size());
    }

    @Test
    void everyPageOfTheListingIsRead() throws Exception {
        AwsConfig aws = config("classpath").aws;
        try (S3Client client = S3Clients.create(aws, Duration.ofSeconds(20))) {
            // every rule, the README and two sub-folders directly under the prefix: several pages of four.
            List<RuleLoader.Source> sources = new S3RuleSources(client, new S3RuleSources.Limits(1000, 1 << 20, 4))
                    .read(S3Location.parse("s3://" + BUCKET + "/rules/"));

            assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("rules/").delimiter("/").maxKeys(4)).isTruncated())
                    .as("moto pages the listing").isTrue();
            assertThat(sources).hasSize(RepoRules.sources().size());
            assertThat(sources).extracting(source -> source.text)
                    .containsExactlyElementsOf(RepoRules.sources().stream().map(source -> source.text).collect(Collectors.toList()));
        }
    }

    @Test
    void aBrokenRuleIsReportedWithItsObjectAndLine() throws Exception {
        InvalidRulesException thrown = catchThrowableOfType(
                () -> RuleCatalogue.load(config("s3://" + BUCKET + "/broken/")), InvalidRulesException.class);

        assertThat(thrown).as("a broken catalogue in S3 must not load").isNotNull();
        assertThat(thrown.errors()).extracting(RuleError::toString).containsExactly(
                "s3://" + BUCKET + "/broken/bad-cidr.yaml:15: bad CIDR '10.0.0.0/33' (expected e.g. 10.0.0.0/8 or 2001:db8::/32)",
                "s3://" + BUCKET + "/broken/id-mismatch.yaml:2: id 'something-else' does not match the file name 'id-mismatch'");
    }

    @Test
    void aMissingBucketIsNamed() {
        assertThatThrownBy(() -> RuleCatalogue.load(config("s3://no-such-bucket/rules/")))
                .isInstanceOf(IOException.class)
                .hasMessage("rule location s3://no-such-bucket/rules/: the bucket 'no-such-bucket' does not exist");
    }

    @Test
    void anEmptyPrefixIsAnEmptyCatalogue() throws Exception {
        assertThat(RuleCatalogue.load(config("s3://" + BUCKET + "/nothing-here/"))).isEmpty();
    }

    @Test
    void tooManyFilesOrTooLargeAFileStopTheLoad() throws Exception {
        S3Location rules = S3Location.parse("s3://" + BUCKET + "/rules/");
        try (S3Client client = S3Clients.create(config("classpath").aws, Duration.ofSeconds(20))) {
            assertThatThrownBy(() -> new S3RuleSources(client, new S3RuleSources.Limits(12, 1 << 20, 5)).read(rules))
                    .isInstanceOf(IOException.class)
                    .hasMessage("rule location s3://" + BUCKET + "/rules/ holds more than 12 rule files (*.yaml, *.yml),"
                            + " the most a catalogue may have");
            assertThatThrownBy(() -> new S3RuleSources(client, new S3RuleSources.Limits(1000, 1000, 1000)).read(rules))
                    .isInstanceOf(IOException.class)
                    .hasMessage("s3://" + BUCKET + "/rules/backdoor-admin-user.yaml is larger than 1000 bytes,"
                            + " the most a rule file may have");
        }
    }
}
