package io.trailwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditConfigTest {
    private static List<String> errors(String location) {
        List<String> errors = new ArrayList<>();
        AuditConfig.read(PropertyGroups.of(Map.of(AuditConfig.GROUP, Map.of("location", location))), errors);
        return errors;
    }

    @Test
    void anS3PrefixIsReadAsAFolder() {
        List<String> errors = new ArrayList<>();
        AuditConfig config = AuditConfig.read(PropertyGroups.of(Map.of(AuditConfig.GROUP,
                Map.of("location", "s3://trailwarden-artefacts/audit"))), errors);

        assertThat(errors).isEmpty();
        assertThat(config.location).isEqualTo("s3://trailwarden-artefacts/audit/");
    }

    @Test
    void anAbsoluteDirectoryIsAccepted() {
        assertThat(errors("/var/lib/trailwarden/audit")).isEmpty();
    }

    @Test
    void whatIsNeitherAnS3PrefixNorAnAbsoluteDirectoryIsRejectedByName() {
        assertThat(errors("S3://Bad_Bucket/audit/")).singleElement().asString()
                .startsWith("TrailWarden.Audit.location: ").contains("Bad_Bucket");
        assertThat(errors("s3://bucket//audit/")).singleElement().asString().contains("must not start with '/'");
        assertThat(errors("s3a://bucket/audit/")).singleElement().asString().contains("absolute directory");
        assertThat(errors("https://bucket.s3.amazonaws.com/audit/")).singleElement().asString().contains("absolute directory");
        assertThat(errors("audit")).singleElement().asString().contains("absolute directory");
    }

    @Test
    void notConfiguredIsNull() {
        assertThat(TrailWardenConfig.defaults().audit.location).isNull();
    }
}
