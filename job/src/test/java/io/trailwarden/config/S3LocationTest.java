package io.trailwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class S3LocationTest {
    @Test
    void bucketAndPrefixAreSplitAndThePrefixIsAFolder() {
        S3Location rules = S3Location.parse("s3://trailwarden-artefacts-111122223333/rules/");
        assertThat(rules.bucket).isEqualTo("trailwarden-artefacts-111122223333");
        assertThat(rules.prefix).isEqualTo("rules/");
        assertThat(rules.uri("rules/iam-user-created.yaml"))
                .isEqualTo("s3://trailwarden-artefacts-111122223333/rules/iam-user-created.yaml");

        assertThat(S3Location.parse("s3://my.bucket/team/rules").prefix).isEqualTo("team/rules/");
        assertThat(S3Location.parse("s3://my.bucket/team/rules").toString()).isEqualTo("s3://my.bucket/team/rules/");
        assertThat(S3Location.parse("s3://abc").prefix).isEmpty();
        assertThat(S3Location.parse("s3://abc/").prefix).isEmpty();
    }

    @Test
    void onlyS3SpellingsAreTakenForS3() {
        assertThat(S3Location.isS3("s3://bucket/rules/")).isTrue();
        assertThat(S3Location.isS3("S3://bucket/rules/")).isTrue();
        assertThat(S3Location.isS3("s3:/bucket/rules/")).isTrue();
        assertThat(S3Location.isS3("classpath")).isFalse();
        assertThat(S3Location.isS3("/etc/trailwarden/rules")).isFalse();
        assertThat(S3Location.isS3("s3rules")).isFalse();
    }

    @Test
    void malformedLocationsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> S3Location.parse("S3://bucket/rules/"))
                .hasMessage("an S3 location is written s3://BUCKET/PREFIX/, not 'S3://bucket/rules/'");
        assertThatThrownBy(() -> S3Location.parse("s3:/bucket/rules/"))
                .hasMessage("an S3 location is written s3://BUCKET/PREFIX/, not 's3:/bucket/rules/'");
        assertThatThrownBy(() -> S3Location.parse("s3:///rules/"))
                .hasMessage("'' in s3:///rules/ is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-')");
        assertThatThrownBy(() -> S3Location.parse("s3://My_Bucket/rules/"))
                .hasMessageStartingWith("'My_Bucket' in s3://My_Bucket/rules/ is not an S3 bucket name");
        assertThatThrownBy(() -> S3Location.parse("s3://ab/rules/")).hasMessageStartingWith("'ab' in ");
        assertThatThrownBy(() -> S3Location.parse("s3://a..b/rules/")).hasMessageStartingWith("'a..b' in ");
        assertThatThrownBy(() -> S3Location.parse("s3://bucket//rules/"))
                .hasMessage("s3://bucket//rules/: the prefix must not start with '/' (s3://BUCKET/PREFIX/)");
        assertThatThrownBy(() -> S3Location.parse("s3://bucket/rules\n/"))
                .hasMessage("s3://bucket/rules\n/: the prefix contains control characters");
        assertThatThrownBy(() -> S3Location.parse("s3://bucket/" + "r".repeat(1024)))
                .hasMessageEndingWith(": the prefix is longer than an S3 key may be");
    }

    @Test
    void aBadS3LocationIsAConfigurationErrorOfTheRulesGroup() {
        assertThatThrownBy(() -> TrailWardenConfig.from(PropertyGroups.of(Map.of(
                RulesConfig.GROUP, Map.of("location", "s3://Artefacts/rules/")))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        "TrailWarden.Rules.location: 'Artefacts' in s3://Artefacts/rules/ is not an S3 bucket name"
                                + " (3 to 63 lowercase letters, digits, '.' and '-')"));
    }

    @Test
    void aGoodS3LocationIsKeptAsWritten() throws ConfigException {
        TrailWardenConfig config = TrailWardenConfig.from(PropertyGroups.of(Map.of(
                RulesConfig.GROUP, Map.of("location", "s3://artefacts/rules/"))));
        assertThat(config.rules.location).isEqualTo("s3://artefacts/rules/");
    }
}
