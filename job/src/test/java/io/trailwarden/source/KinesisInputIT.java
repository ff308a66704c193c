package io.trailwarden.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.SourceConfig;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.production.QueueSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.kinesis.shaded.com.amazonaws.services.kinesis.model.PutRecordResult;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kinesis source against a real kinesalite: every record arrives once, with its position.
 *
 * <p>Only TRIM_HORIZON can be exercised against an emulator: the connector's shaded AWS SDK v1 sends
 * GetShardIterator's {@code Timestamp} in epoch milliseconds once CBOR is off, and JSON Kinesis servers
 * read epoch seconds, so AT_TIMESTAMP (and LATEST, which the consumer resolves to AT_TIMESTAMP of the
 * job's start) ask for a time ~50,000 years ahead. {@code KinesisInputTest} checks those settings reach
 * the connector as the right instant.
 */
class KinesisInputIT {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final ConcurrentLinkedQueue<RawInput> RECEIVED = new ConcurrentLinkedQueue<>();
    private static Kinesalite kinesalite;

    @BeforeAll
    static void startKinesalite() throws Exception {
        kinesalite = Kinesalite.start();
    }

    @AfterAll
    static void stopKinesalite() throws Exception {
        kinesalite.close();
    }

    @BeforeEach
    void clear() {
        RECEIVED.clear();
    }

    @Test
    void readsEveryRecordOfEveryShardWithItsPositionAndExactBytes() throws Exception {
        kinesalite.createStream("from-trim-horizon", 3);
        Map<String, byte[]> expected = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            byte[] data = i == 7
                    ? new byte[] {(byte) 0xff, 0x00, '{'}
                    : ("{\"detail\":{\"eventID\":\"e" + i + "\"}}").getBytes(StandardCharsets.UTF_8);
            PutRecordResult put = kinesalite.put("from-trim-horizon", "arn:aws:iam::111122223333:user/u" + i, data);
            expected.put("from-trim-horizon/" + put.getShardId() + "/" + put.getSequenceNumber(), data);
        }

        JobClient job = startReading("from-trim-horizon", Map.of("initialPosition", "TRIM_HORIZON"));
        try {
            await(job, () -> RECEIVED.size() >= expected.size(), Duration.ofSeconds(60));
            Thread.sleep(500);
        } finally {
            stop(job);
        }

        Map<String, byte[]> received = new HashMap<>();
        for (RawInput input : RECEIVED) {
            assertThat(received.put(input.origin, input.bytes)).as("duplicate " + input.origin).isNull();
        }
        assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((origin, bytes) -> assertThat(received.get(origin)).as(origin).isEqualTo(bytes));
        assertThat(expected.keySet().stream().map(origin -> origin.split("/")[1]).distinct())
                .as("the records were spread over several shards")
                .hasSizeGreaterThan(1);
    }

    private static JobClient startReading(String stream, Map<String, String> position) throws Exception {
        Map<String, String> group = new HashMap<>(position);
        group.put("streamName", stream);
        group.put("region", Kinesalite.REGION);
        group.put("endpoint", kinesalite.endpoint());
        group.put("credentialsProvider", "BASIC");
        group.put("getRecordsIntervalMillis", "100");
        SourceConfig source = TrailWardenConfig.from(PropertyGroups.of(Map.of(SourceConfig.GROUP, group))).source;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KinesisInput.create(env, source, Kinesalite.ENVIRONMENT).sinkTo(new QueueSink<>(RECEIVED)).name("collect");
        return env.executeAsync("kinesis-input-" + stream);
    }

    /** Cancels the job; a job that failed instead is reported with its own cause. */
    static void stop(JobClient job) throws Exception {
        try {
            job.cancel().get();
        } catch (java.util.concurrent.ExecutionException e) {
            job.getJobExecutionResult().get();
            throw e;
        }
    }

    /** Waits for {@code condition}, surfacing the job's own failure instead of a timeout. */
    static void await(JobClient job, BooleanSupplier condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get();
                throw new AssertionError("job ended early; received " + RECEIVED.size());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout + "; received " + RECEIVED.size());
            }
            Thread.sleep(50);
        }
    }
}
