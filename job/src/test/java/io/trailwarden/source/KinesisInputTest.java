package io.trailwarden.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trailwarden.config.ConfigException;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.SourceConfig;
import io.trailwarden.config.TrailWardenConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.streaming.connectors.kinesis.config.AWSConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.util.KinesisConfigUtil;
import org.junit.jupiter.api.Test;

class KinesisInputTest {
    private static final String ACCESS_KEY_PROPERTY =
            AWSConfigConstants.accessKeyId(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER);
    private static final String SECRET_KEY_PROPERTY =
            AWSConfigConstants.secretKey(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER);

    private static SourceConfig source(Map<String, String> values) throws ConfigException {
        Map<String, String> group = new LinkedHashMap<>();
        group.put("streamName", "trailwarden-events");
        group.put("region", "us-east-1");
        group.putAll(values);
        return TrailWardenConfig.from(PropertyGroups.of(Map.of(SourceConfig.GROUP, group))).source;
    }

    @Test
    void productionDefaultsUseTheDefaultCredentialChainAndAreAcceptedByTheConnector() throws Exception {
        Properties properties = KinesisInput.consumerProperties(source(Map.of()), Map.of());

        KinesisConfigUtil.validateConsumerConfiguration(properties);
        assertThat(properties)
                .containsEntry(AWSConfigConstants.AWS_REGION, "us-east-1")
                .containsEntry(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, "AUTO")
                .containsEntry(ConsumerConfigConstants.STREAM_INITIAL_POSITION, "LATEST")
                .containsEntry(ConsumerConfigConstants.RECORD_PUBLISHER_TYPE, "POLLING")
                .containsEntry(ConsumerConfigConstants.SHARD_GETRECORDS_INTERVAL_MILLIS, "200")
                .doesNotContainKeys(AWSConfigConstants.AWS_ENDPOINT, ACCESS_KEY_PROPERTY, SECRET_KEY_PROPERTY);
    }

    @Test
    void emulatorSettingsTakeTheKeysFromTheEnvironment() throws Exception {
        SourceConfig config = source(Map.of("endpoint", "http://127.0.0.1:4567", "credentialsProvider", "basic",
                "initialPosition", "TRIM_HORIZON", "getRecordsIntervalMillis", "100"));

        Properties properties = KinesisInput.consumerProperties(
                config, Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t"));

        KinesisConfigUtil.validateConsumerConfiguration(properties);
        assertThat(properties)
                .containsEntry(AWSConfigConstants.AWS_ENDPOINT, "http://127.0.0.1:4567")
                .containsEntry(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, "BASIC")
                .containsEntry(ACCESS_KEY_PROPERTY, "AKIDEXAMPLE")
                .containsEntry(SECRET_KEY_PROPERTY, "s3cr3t")
                .containsEntry(ConsumerConfigConstants.STREAM_INITIAL_POSITION, "TRIM_HORIZON")
                .containsEntry(ConsumerConfigConstants.SHARD_GETRECORDS_INTERVAL_MILLIS, "100");
        assertThat(config.toString()).doesNotContain("s3cr3t").doesNotContain("AKIDEXAMPLE");
    }

    @Test
    void basicCredentialsWithoutKeysInTheEnvironmentFailAtStartUp() throws Exception {
        SourceConfig config = source(Map.of("credentialsProvider", "BASIC"));

        assertThatThrownBy(() -> KinesisInput.consumerProperties(config, Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TrailWarden.Source.credentialsProvider")
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY");
    }

    @Test
    void aStartTimestampReachesTheConnectorAsTheSameInstant() throws Exception {
        Instant start = Instant.parse("2026-01-31T12:34:56.789Z");
        Properties properties = KinesisInput.consumerProperties(
                source(Map.of("initialPosition", "AT_TIMESTAMP", "initialTimestamp", start.toString())), Map.of());

        KinesisConfigUtil.validateConsumerConfiguration(properties);
        assertThat(KinesisConfigUtil.parseStreamTimestampStartingPosition(properties).toInstant()).isEqualTo(start);
    }

    @Test
    void withoutTheSourceGroupThereIsNoKinesisSource() {
        assertThatThrownBy(() -> KinesisInput.consumerProperties(TrailWardenConfig.defaults().source, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TrailWarden.Source: group is required");
    }

    @Test
    void everyRecordBecomesARawInputNamingStreamShardAndSequenceNumber() {
        KinesisInput.RawInputDeserializer deserializer = new KinesisInput.RawInputDeserializer();
        byte[] notJson = {(byte) 0xff, 0x00, 'x'};

        RawInput input = deserializer.deserialize(notJson, "arn:aws:iam::111122223333:user/alice",
                "49590338271490256608559692538361571095921575989136588898", 1_700_000_000_000L,
                "trailwarden-events", "shardId-000000000001");
        RawInput empty = deserializer.deserialize(null, "k", "1", 0L, "s", "shardId-000000000000");

        assertThat(input.origin).isEqualTo(
                "trailwarden-events/shardId-000000000001/49590338271490256608559692538361571095921575989136588898");
        assertThat(input.bytes).isEqualTo(notJson);
        assertThat(empty.bytes).isEmpty();
        assertThat(new String(empty.origin.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .isEqualTo("s/shardId-000000000000/1");
    }

    @Test
    void rawInputCrossesTheNetworkAsAFlinkPojoNotKryo() {
        TypeSerializer<RawInput> serializer = new KinesisInput.RawInputDeserializer()
                .getProducedType()
                .createSerializer(new ExecutionConfig().getSerializerConfig());

        assertThat(serializer).isInstanceOf(PojoSerializer.class);
    }
}
