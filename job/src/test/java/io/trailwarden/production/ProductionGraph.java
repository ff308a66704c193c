package io.trailwarden.production;

import io.trailwarden.config.ConfigException;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.pipeline.StreamingJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The production job's graph as {@link StreamingJob#build} makes it, for tests that inspect every operator. */
final class ProductionGraph {
    private ProductionGraph() {}

    static TrailWardenConfig production() throws ConfigException {
        return TrailWardenConfig.from(PropertyGroups.of(Map.of(
                "TrailWarden.Source", Map.of("streamName", "trailwarden-events", "region", "us-east-1"),
                "TrailWarden.Response", Map.of("ownAccountId", "123456789012"),
                "TrailWarden.Audit", Map.of("location", "s3://trailwarden-audit/prod/"))));
    }

    static StreamExecutionEnvironment build(int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        StreamingJob.build(env, production(), Map.of());
        return env;
    }

    /** Every transformation reachable from the sinks, virtual ones (partitions, unions, side outputs) included. */
    static List<Transformation<?>> transformations(StreamExecutionEnvironment env) {
        List<Transformation<?>> all = new ArrayList<>();
        List<Transformation<?>> pending = new ArrayList<>(env.getTransformations());
        while (!pending.isEmpty()) {
            Transformation<?> next = pending.remove(pending.size() - 1);
            if (!all.contains(next)) {
                all.add(next);
                pending.addAll(next.getInputs());
            }
        }
        return all;
    }
}
