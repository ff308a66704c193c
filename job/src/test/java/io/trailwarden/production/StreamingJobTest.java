package io.trailwarden.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trailwarden.config.ConfigException;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.pipeline.AuditStore;
import io.trailwarden.pipeline.StreamingJob;
import io.trailwarden.source.KinesisInput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.transformations.SideOutputTransformation;
import org.apache.flink.streaming.api.transformations.UnionTransformation;
import org.junit.jupiter.api.Test;

class StreamingJobTest {
    @Test
    void withoutAnAuditStoreTheJobDoesNotStart() throws Exception {
        TrailWardenConfig withoutAudit = TrailWardenConfig.from(PropertyGroups.of(Map.of(
                "TrailWarden.Source", Map.of("streamName", "trailwarden-events", "region", "us-east-1"),
                "TrailWarden.Response", Map.of("ownAccountId", "123456789012"))));
        assertThatThrownBy(() -> StreamingJob.build(StreamExecutionEnvironment.getExecutionEnvironment(), withoutAudit, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("TrailWarden.Audit.location: required");
    }

    @Test
    void outsideMsfTheJobSaysWhereToRunItInstead() {
        assertThatThrownBy(() -> StreamingJob.msfProperties(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("trailwarden run --config FILE");
    }

    @Test
    void msfRuntimePropertiesBecomeTheTypedConfiguration() throws Exception {
        Properties source = new Properties();
        source.setProperty("streamName", "trailwarden-events");
        source.setProperty("region", "eu-west-1");

        TrailWardenConfig config = TrailWardenConfig.from(
                StreamingJob.msfProperties(Map.of("TrailWarden.Source", source)));

        assertThat(config.source.streamName).isEqualTo("trailwarden-events");
        assertThat(config.source.region).isEqualTo("eu-west-1");
    }

    @Test
    void everyOperatorOfTheProductionGraphHasAStableUidAndNoHardCodedParallelism() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // An odd value no operator would hard-code: every operator must simply take what the platform gives.
        env.setParallelism(7);
        StreamingJob.build(env, ProductionGraph.production(), Map.of());

        List<String> withoutUid = new ArrayList<>();
        List<String> uids = new ArrayList<>();
        List<String> fixedParallelism = new ArrayList<>();
        for (Transformation<?> transformation : ProductionGraph.transformations(env)) {
            boolean virtual = transformation instanceof PartitionTransformation
                    || transformation instanceof UnionTransformation
                    || transformation instanceof SideOutputTransformation;
            if (virtual) {
                continue;
            }
            if (transformation.getUid() == null) {
                withoutUid.add(transformation.getName());
            } else {
                uids.add(transformation.getUid());
            }
            if (transformation.getParallelism() != 7) {
                fixedParallelism.add(transformation.getName() + "=" + transformation.getParallelism());
            }
        }

        assertThat(withoutUid).isEmpty();
        assertThat(uids).doesNotHaveDuplicates()
                .contains(KinesisInput.UID, AuditStore.AUDIT_SINK_UID, AuditStore.DEAD_LETTER_SINK_UID);
        assertThat(fixedParallelism).as("MSF sets the parallelism").isEmpty();
    }

    @Test
    void selfManagedRunsGetWhatMsfWouldGive() {
        Configuration flink = StreamingJob.selfManagedConfiguration(Path.of("/var/lib/trailwarden/checkpoints"));

        assertThat(flink.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///var/lib/trailwarden/checkpoints");
        assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofMinutes(1));
        assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    }
}
