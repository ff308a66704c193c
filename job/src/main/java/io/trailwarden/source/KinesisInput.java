package io.trailwarden.source;

import io.trailwarden.config.ConfigException;
import io.trailwarden.config.SourceConfig;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer;
import org.apache.flink.streaming.connectors.kinesis.config.AWSConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;

/**
 * The production source: CloudTrail records that EventBridge put into a Kinesis data stream, as
 * {@link RawInput}s for the topology's parser.
 *
 * <p>Why {@link FlinkKinesisConsumer} (connector 4.3.0-1.19) and not the connector's early
 * {@code KinesisStreamsSource}: the consumer polls with a configurable pause between GetRecords calls
 * and reads emulators with a plain endpoint override, while that early source polls without pause when
 * a shard is idle (on AWS that runs into the 5 GetRecords calls per second per shard) and sends a
 * StreamARN that kinesalite rejects. The two keep incompatible state: moving to the 5.x
 * {@code KinesisStreamsSource} later means starting the source from a fresh position (see README).
 *
 * <p>Event time is not this source's business: the consumer stamps records with their arrival time and
 * emits no watermarks of its own (no periodic watermark assigner is set), and the topology's
 * {@code assignTimestampsAndWatermarks} replaces those timestamps with CloudTrail's {@code eventTime}
 * and ignores upstream watermarks and idleness. Quiet shards are handled by the topology's idleness,
 * which the consumer's per-shard {@code flink.shard.idle.interval} would only duplicate: that setting
 * takes effect only with a periodic watermark assigner in the consumer.
 */
public final class KinesisInput {
    public static final String UID = "kinesis-source";
    /** Variables read when {@code credentialsProvider=BASIC}, the same names every AWS tool reads. */
    public static final String ACCESS_KEY_VARIABLE = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_KEY_VARIABLE = "AWS_SECRET_ACCESS_KEY";

    private static final DateTimeFormatter CONNECTOR_TIMESTAMP_FORMAT =
            DateTimeFormatter.ofPattern(ConsumerConfigConstants.DEFAULT_STREAM_TIMESTAMP_DATE_FORMAT)
                    .withZone(ZoneOffset.UTC);

    private KinesisInput() {}

    /**
     * Adds the source to {@code env}. {@code environment} is the process environment (a parameter so
     * tests can supply emulator keys without touching the real one).
     */
    // FlinkKinesisConsumer is a SourceFunction, hence the deprecated addSource (see the class comment for why).
    @SuppressWarnings("deprecation")
    public static DataStream<RawInput> create(
            StreamExecutionEnvironment env, SourceConfig config, Map<String, String> environment)
            throws ConfigException {
        FlinkKinesisConsumer<RawInput> consumer = new FlinkKinesisConsumer<>(
                config.streamName, new RawInputDeserializer(), consumerProperties(config, environment));
        return env.addSource(consumer)
                .uid(UID)
                .name("Kinesis " + config.streamName);
    }

    static Properties consumerProperties(SourceConfig config, Map<String, String> environment)
            throws ConfigException {
        if (!config.configured) {
            throw new ConfigException(List.of(SourceConfig.GROUP
                    + ": group is required to read from Kinesis (streamName, region, ...)"));
        }
        Properties properties = new Properties();
        properties.setProperty(AWSConfigConstants.AWS_REGION, config.region);
        if (config.endpoint != null) {
            properties.setProperty(AWSConfigConstants.AWS_ENDPOINT, config.endpoint);
        }
        properties.setProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, config.credentialsProvider.name());
        if (config.credentialsProvider == SourceConfig.CredentialsProvider.BASIC) {
            String accessKey = environment.get(ACCESS_KEY_VARIABLE);
            String secretKey = environment.get(SECRET_KEY_VARIABLE);
            if (isBlank(accessKey) || isBlank(secretKey)) {
                throw new ConfigException(List.of(SourceConfig.GROUP + ".credentialsProvider: BASIC reads "
                        + ACCESS_KEY_VARIABLE + " and " + SECRET_KEY_VARIABLE
                        + " from the environment, and at least one is not set"));
            }
            properties.setProperty(AWSConfigConstants.accessKeyId(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), accessKey);
            properties.setProperty(AWSConfigConstants.secretKey(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), secretKey);
        }
        properties.setProperty(ConsumerConfigConstants.RECORD_PUBLISHER_TYPE,
                ConsumerConfigConstants.RecordPublisherType.POLLING.name());
        properties.setProperty(ConsumerConfigConstants.STREAM_INITIAL_POSITION, config.initialPosition.name());
        if (config.initialTimestamp != null) {
            properties.setProperty(ConsumerConfigConstants.STREAM_INITIAL_TIMESTAMP,
                    CONNECTOR_TIMESTAMP_FORMAT.format(config.initialTimestamp));
        }
        properties.setProperty(ConsumerConfigConstants.SHARD_GETRECORDS_INTERVAL_MILLIS,
                Integer.toString(config.getRecordsIntervalMillis));
        return properties;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /**
     * Hands every record on as bytes with its position; parsing (and dead-lettering what does not
     * parse) is the topology's job. It never returns null, because the consumer drops a null with
     * only a log line, which would lose a record silently.
     */
    public static final class RawInputDeserializer implements KinesisDeserializationSchema<RawInput> {
        private static final long serialVersionUID = 1L;

        @Override
        public RawInput deserialize(
                byte[] recordValue,
                String partitionKey,
                String sequenceNumber,
                long approximateArrivalTimestamp,
                String stream,
                String shardId) {
            RawInput input = new RawInput();
            input.origin = stream + "/" + shardId + "/" + sequenceNumber;
            input.bytes = recordValue == null ? new byte[0] : recordValue;
            return input;
        }

        @Override
        public TypeInformation<RawInput> getProducedType() {
            return TypeInformation.of(RawInput.class);
        }
    }
}
