package io.trailwarden.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceConfigTest {
    private static SourceConfig read(Map<String, String> group) throws ConfigException {
        return TrailWardenConfig.from(PropertyGroups.of(Map.of(SourceConfig.GROUP, group))).source;
    }

    private static ConfigException errors(Map<String, String> group) {
        return catchThrowableOfType(() -> read(group), ConfigException.class);
    }

    @Test
    void withoutTheGroupNoSourceIsConfiguredAndTheDefaultsStayValid() {
        SourceConfig source = TrailWardenConfig.defaults().source;

        assertThat(source.configured).isFalse();
        assertThat(source.initialPosition).isEqualTo(SourceConfig.InitialPosition.LATEST);
        assertThat(source.credentialsProvider).isEqualTo(SourceConfig.CredentialsProvider.AUTO);
        assertThat(source.getRecordsIntervalMillis).isEqualTo(200);
    }

    @Test
    void aCompleteGroupIsReadTyped() throws Exception {
        SourceConfig source = read(Map.of(
                "type", "kinesis",
                "streamName", "trailwarden-events",
                "region", "eu-west-1",
                "endpoint", "http://127.0.0.1:4567",
                "initialPosition", "at_timestamp",
                "initialTimestamp", "2026-01-31T12:00:00Z",
                "getRecordsIntervalMillis", "100",
                "credentialsProvider", "BASIC"));

        assertThat(source.configured).isTrue();
        assertThat(source.streamName).isEqualTo("trailwarden-events");
        assertThat(source.region).isEqualTo("eu-west-1");
        assertThat(source.endpoint).isEqualTo("http://127.0.0.1:4567");
        assertThat(source.initialPosition).isEqualTo(SourceConfig.InitialPosition.AT_TIMESTAMP);
        assertThat(source.initialTimestamp).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
        assertThat(source.getRecordsIntervalMillis).isEqualTo(100);
        assertThat(source.credentialsProvider).isEqualTo(SourceConfig.CredentialsProvider.BASIC);
    }

    @Test
    void everyMistakeIsReportedAtOnceNamingGroupAndKey() {
        ConfigException failure = errors(Map.of(
                "type", "kafka",
                "endpoint", "127.0.0.1:4567",
                "initialPosition", "EARLIEST",
                "initialTimestamp", "yesterday",
                "getRecordsIntervalMillis", "10",
                "credentialsProvider", "PROFILE",
                "accessKey", "AKIDEXAMPLE"));

        assertThat(failure.errors()).containsExactlyInAnyOrder(
                "TrailWarden.Source.type: must be kinesis, not 'kafka'",
                "TrailWarden.Source.streamName: is required: the name of the Kinesis stream the EventBridge rule writes to",
                "TrailWarden.Source.region: is required, for example us-east-1",
                "TrailWarden.Source.endpoint: must be an http(s) URL such as http://127.0.0.1:4567, not '127.0.0.1:4567'",
                "TrailWarden.Source.initialPosition: must be one of LATEST, TRIM_HORIZON, AT_TIMESTAMP, not 'EARLIEST'",
                "TrailWarden.Source.initialTimestamp: is only used with initialPosition AT_TIMESTAMP, not LATEST",
                "TrailWarden.Source.getRecordsIntervalMillis: must be between 50 and 60000, not 10",
                "TrailWarden.Source.credentialsProvider: must be one of AUTO, BASIC, not 'PROFILE'",
                "TrailWarden.Source.accessKey: unknown key (known: acceptBareRecords, credentialsProvider, endpoint, getRecordsIntervalMillis,"
                        + " initialPosition, initialTimestamp, region, streamName, type)");
    }

    @Test
    void atTimestampNeedsAValidInstant() {
        assertThat(errors(Map.of("streamName", "s", "region", "us-east-1", "initialPosition", "AT_TIMESTAMP")).errors())
                .containsExactly("TrailWarden.Source.initialTimestamp: is required with initialPosition AT_TIMESTAMP,"
                        + " for example 2026-01-31T12:00:00Z");
        assertThat(errors(Map.of("streamName", "s", "region", "us-east-1", "initialPosition", "AT_TIMESTAMP",
                        "initialTimestamp", "2026-01-31 12:00")).errors())
                .containsExactly("TrailWarden.Source.initialTimestamp: must be an ISO-8601 instant such as"
                        + " 2026-01-31T12:00:00Z, not '2026-01-31 12:00'");
    }

    @Test
    void streamNamesAndRegionsAreCheckedBeforeAnyAwsCall() {
        assertThat(errors(Map.of("streamName", "has space", "region", "Virginia")).errors()).containsExactly(
                "TrailWarden.Source.streamName: must be 1-128 letters, digits, '_', '.' or '-', not 'has space'",
                "TrailWarden.Source.region: must be an AWS region such as us-east-1, not 'Virginia'");
    }
}
