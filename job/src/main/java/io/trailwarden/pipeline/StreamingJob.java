package io.trailwarden.pipeline;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import io.trailwarden.config.ConfigException;
import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.event.AdmissionPolicy;
import io.trailwarden.event.DeadLetter;
import io.trailwarden.respond.ActionResult;
import io.trailwarden.respond.ResponseStage;
import io.trailwarden.rules.model.InvalidRulesException;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.KinesisInput;
import io.trailwarden.source.RawInput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production job: Kinesis -> detection -> response. The MSF application's main class; also what
 * {@code trailwarden run --config FILE} (without {@code --local}) builds.
 *
 * <p>On MSF the service owns checkpointing, the state backend (RocksDB), the restart strategy and the
 * parallelism (see deploy/trailwarden.yaml); the job sets none of them, so the console and the template
 * stay the single source. Outside MSF, {@link #selfManagedConfiguration} gives the same behaviour.
 */
public final class StreamingJob {
    public static final String JOB_NAME = "TrailWarden";
    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);

    private StreamingJob() {}

    public static void main(String[] args) throws Exception {
        TrailWardenConfig config = TrailWardenConfig.from(msfProperties(KinesisAnalyticsRuntime.getApplicationProperties()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config, System.getenv());
        env.execute(JOB_NAME);
    }

    /**
     * {@code trailwarden run --config FILE} without {@code --local}: the production graph on an embedded
     * cluster in this process, with the settings MSF would apply ({@link #selfManagedConfiguration}).
     * Returns when the job ends (it does not end by itself: it reads the stream until stopped).
     */
    public static void runSelfManaged(TrailWardenConfig config, Path checkpointDirectory, int parallelism)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(selfManagedConfiguration(checkpointDirectory));
        env.setParallelism(parallelism);
        build(env, config, System.getenv());
        env.execute(JOB_NAME);
    }

    /** MSF's runtime properties; an empty set means the job is not on MSF, which is a mistake worth naming. */
    public static PropertyGroups msfProperties(Map<String, Properties> runtimeProperties) throws ConfigException {
        if (runtimeProperties.isEmpty()) {
            throw new ConfigException(List.of("no MSF runtime properties (/etc/flink/application_properties.json):"
                    + " outside Managed Service for Apache Flink run `trailwarden run --config FILE`"));
        }
        return PropertyGroups.fromProperties(runtimeProperties);
    }

    /**
     * Adds the whole production graph to {@code env}: rules are loaded and validated before anything
     * else, and the graph's core operators must be the golden list ({@link CoreOperators}), which the
     * snapshot guard records, since the application restores with AllowNonRestoredState on.
     */
    public static void build(StreamExecutionEnvironment env, TrailWardenConfig config, Map<String, String> environment)
            throws ConfigException, InvalidRulesException, IOException {
        config.describe().forEach(line -> LOG.info("configuration {}", line));
        CompiledRules detection = RuleCatalogue.compile(config);
        Outputs outputs = graph(KinesisInput.create(env, config.source, environment), config, detection);
        AuditStore.attach(outputs.audit,
                CoreStateGuard.attach(outputs.deadLetters, CoreOperators.PRODUCTION, CoreOperators.RETIRED),
                config.audit, config.aws);
        CoreOperators.check(env, CoreOperators.PRODUCTION);
    }

    /** What the production graph hands its sinks. */
    public static final class Outputs {
        /** One record per action taken (containment, alert) and its result. */
        public final DataStream<ActionResult> audit;
        /** Unparseable input, late events, failed actions: every one with its reason. */
        public final DataStream<DeadLetter> deadLetters;

        Outputs(DataStream<ActionResult> audit, DataStream<DeadLetter> deadLetters) {
            this.audit = audit;
            this.deadLetters = deadLetters;
        }
    }

    /** Input -> detection -> response, without sinks: production writes both to the audit store, the benchmark measures them. */
    public static Outputs graph(DataStream<RawInput> input, TrailWardenConfig config, CompiledRules detection) {
        TrailWardenTopology.Outputs detected = TrailWardenTopology.build(input, config.detection,
                AdmissionPolicy.eventBridgeStream(config.detection, config.source.acceptBareRecords), detection);
        SingleOutputStreamOperator<ActionResult> audit =
                ResponseStage.from(config).apply(detected.findings);
        return new Outputs(audit, detected.deadLetters.union(audit.getSideOutput(ResponseStage.DEAD_LETTERS)));
    }

    /**
     * What MSF configures, for a job run anywhere else: RocksDB state, a checkpoint a minute and
     * exponential-delay restarts.
     *
     * <p>Checkpoints are exactly-once: dedup memory, open sequences and threshold counts must match the
     * stream position they are restored with, or a restart could replay a step into a sequence twice or
     * miss one. The responders' side effects are outside that guarantee, so they are idempotent instead
     * (a replayed finding changes nothing twice; an alert may be sent twice).
     */
    public static Configuration selfManagedConfiguration(Path checkpointDirectory) {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirectory.toUri().toString());
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMinutes(1));
        flink.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, Duration.ofSeconds(5));
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
        flink.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, Duration.ofMinutes(10));
        return flink;
    }
}
