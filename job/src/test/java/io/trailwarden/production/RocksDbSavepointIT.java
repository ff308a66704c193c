package io.trailwarden.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.pipeline.StreamingJob;
import io.trailwarden.pipeline.TrailWardenTopology;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.Kinesalite;
import io.trailwarden.source.KinesisInput;
import io.trailwarden.testing.Savepoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state MSF keeps in RocksDB survives a savepoint: a sequence half-seen before the job stops
 * completes after it restarts, and the Kinesis source resumes where it stopped instead of reading the
 * stream again. The cluster runs with {@link StreamingJob#selfManagedConfiguration} (RocksDB,
 * incremental checkpoints) and the savepoint is RocksDB's native format.
 */
class RocksDbSavepointIT {
    private static final String STREAM = "cloudtrail-events";
    private static final String ACCOUNT = "111122223333";
    private static final ConcurrentLinkedQueue<Finding> FINDINGS = new ConcurrentLinkedQueue<>();

    @TempDir
    static Path stateDirectory;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = Savepoints.rocksDbCluster(() -> stateDirectory);

    private static Kinesalite kinesalite;

    @BeforeAll
    static void startKinesalite() throws Exception {
        kinesalite = Kinesalite.start();
    }

    @AfterAll
    static void stopKinesalite() throws Exception {
        kinesalite.close();
    }

    @Test
    void aSequenceStartedBeforeASavepointCompletesAfterTheRestore() throws Exception {
        kinesalite.createStream(STREAM, 2);
        IncidentTraffic traffic = new IncidentTraffic(ACCOUNT);
        Instant t0 = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
        List<IncidentTraffic.Put> incident = traffic.consoleEnumeration("mallory", "payroll-exports", t0);
        put(incident.get(0));
        put(incident.get(1));

        JobClient before = start(null);
        // The login alone is a finding (console-login-without-mfa): once it is out, the source has read it,
        // and the listing behind it in the same shard (same partition key).
        await(before, () -> ruleIds().contains("console-login-without-mfa"), Duration.ofSeconds(60));
        Thread.sleep(1000);
        String savepoint = before.triggerSavepoint(stateDirectory.resolve("savepoints").toUri().toString(),
                SavepointFormatType.NATIVE).get();
        before.cancel().get();
        assertThat(ruleIds()).doesNotContain("console-login-then-s3-enumeration");
        FINDINGS.clear();

        put(incident.get(2));
        for (int i = 0; i < 6; i++) {
            put(traffic.listBuckets("heartbeat", Instant.now()));
        }
        JobClient after = start(savepoint);
        try {
            await(after, () -> ruleIds().contains("console-login-then-s3-enumeration"), Duration.ofSeconds(60));
            Thread.sleep(1000);
        } finally {
            after.cancel().get();
        }

        Finding sequence = FINDINGS.stream()
                .filter(finding -> finding.ruleId.equals("console-login-then-s3-enumeration"))
                .findFirst().orElseThrow();
        assertThat(sequence.events).extracting(event -> event.eventName)
                .containsExactly("ConsoleLogin", "ListBuckets", "GetObject");
        assertThat(sequence.target.name).isEqualTo("mallory");
        assertThat(ruleIds()).as("the login was not read again after the restore").doesNotContain("console-login-without-mfa");
        assertThat(keyedStateHandleTypes(savepoint))
                .as("keyed state (dedup, sequences) was written by RocksDB, as native RocksDB files")
                .containsOnly(IncrementalRemoteKeyedStateHandle.class.getSimpleName());
    }

    /** The kinds of keyed-state handle in the savepoint: RocksDB's native ones are incremental handles to its files. */
    private static Set<String> keyedStateHandleTypes(String savepoint) throws Exception {
        Set<String> types = new TreeSet<>();
        for (OperatorState operator : Savepoints.metadata(savepoint).getOperatorStates()) {
            for (OperatorSubtaskState subtask : operator.getStates()) {
                for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                    types.add(handle.getClass().getSimpleName());
                }
            }
        }
        return types;
    }

    private static JobClient start(String savepoint) throws Exception {
        Configuration configuration = new Configuration();
        if (savepoint != null) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(2);
        TrailWardenConfig config = TrailWardenConfig.from(PropertyGroups.of(Map.of(
                "TrailWarden.Source", kinesalite.sourceGroup(STREAM),
                "TrailWarden.Detection", Map.of("outOfOrderness", "10m", "idleness", "2s"),
                "TrailWarden.Lists", Map.of("sensitiveBuckets", "payroll-exports"))));
        CompiledRules rules = RuleCatalogue.compile(config);
        TrailWardenTopology.build(KinesisInput.create(env, config.source, Kinesalite.ENVIRONMENT), config.detection, rules)
                .findings.sinkTo(new QueueSink<>(FINDINGS)).name("collect findings");
        return env.executeAsync("rocksdb-savepoint");
    }

    private static void put(IncidentTraffic.Put put) {
        kinesalite.put(STREAM, put.partitionKey, put.json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> ruleIds() {
        return FINDINGS.stream().map(finding -> finding.ruleId).collect(Collectors.toList());
    }

    private static void await(JobClient job, BooleanSupplier condition, Duration timeout) throws Exception {
        MotoAccount.await(job, condition, timeout);
    }
}
