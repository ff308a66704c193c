package io.trailwarden.production;

import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.pipeline.StreamingJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamConfig;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.operators.UdfStreamOperatorFactory;

/**
 * Runs inside {@link MsfJarIT}'s isolated class loader, which holds only the MSF jar, the jars MSF provides
 * and this class. It builds the production graph from MSF-style runtime properties as
 * {@code StreamingJob.main} does, turns it into the job graph MSF would submit, and then deserializes every
 * operator and user function with that class loader, as a task manager does before it runs them. A class
 * missing from the jar fails here with {@link NoClassDefFoundError} instead of on MSF.
 *
 * <p>Only JDK types cross the class-loader boundary: the test calls it as a {@link Function}.
 */
public final class MsfJobGraphProbe implements Function<Map<String, Properties>, List<String>> {
    /** Returns the class name of every operator and user function of the deserialized job graph. */
    @Override
    public List<String> apply(Map<String, Properties> runtimeProperties) {
        JobGraph graph;
        try {
            TrailWardenConfig config = TrailWardenConfig.from(StreamingJob.msfProperties(runtimeProperties));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            StreamingJob.build(env, config, Map.of());
            graph = env.getStreamGraph().getJobGraph();
        } catch (Exception e) {
            throw new IllegalStateException("the production graph did not build from the MSF jar", e);
        }
        ClassLoader loader = MsfJobGraphProbe.class.getClassLoader();
        List<String> classes = new ArrayList<>();
        for (JobVertex vertex : graph.getVertices()) {
            StreamConfig head = new StreamConfig(vertex.getConfiguration());
            List<StreamConfig> chain = new ArrayList<>();
            chain.add(head);
            chain.addAll(head.getTransitiveChainedTaskConfigs(loader).values());
            for (StreamConfig operator : chain) {
                StreamOperatorFactory<?> factory = operator.getStreamOperatorFactory(loader);
                classes.add(factory instanceof SimpleOperatorFactory
                        ? ((SimpleOperatorFactory<?>) factory).getOperator().getClass().getName()
                        : factory.getClass().getName());
                if (factory instanceof UdfStreamOperatorFactory) {
                    classes.add(((UdfStreamOperatorFactory<?>) factory).getUserFunction().getClass().getName());
                }
            }
        }
        return classes;
    }
}
