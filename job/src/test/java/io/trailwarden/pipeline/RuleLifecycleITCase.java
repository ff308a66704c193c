package io.trailwarden.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailwarden.config.PropertyGroups;
import io.trailwarden.config.TrailWardenConfig;
import io.trailwarden.finding.Finding;
import io.trailwarden.finding.Severity;
import io.trailwarden.production.QueueSink;
import io.trailwarden.rules.compile.CompiledRule;
import io.trailwarden.rules.load.RuleLoader;
import io.trailwarden.rules.runtime.CompiledRules;
import io.trailwarden.rules.runtime.RepoRules;
import io.trailwarden.rules.runtime.RuleCatalogue;
import io.trailwarden.source.CloudTrailFileFormat;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.PackagedRules;
import io.trailwarden.testing.Savepoints;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava31.com.google.common.hash.Hashing;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 6: rules added, removed and edited on a running job that restores from snapshots, as
 * MSF runs it (RocksDB, stop with a savepoint, restore with AllowNonRestoredState on, the changed
 * catalogue). Input is files the source discovers while it runs, so the source's position is part of
 * the savepoint as the stream's is in production. Catalogue edits are edits of the packaged rule
 * files' text.
 *
 * <p>Records are the real backdoor-admin-user detonation records (christophe creates a user, gives it
 * AdministratorAccess and a key), synthetic in their times, event ids and the created user's name;
 * discovery calls and CreateLoginProfile are that CreateUser / CreateAccessKey record renamed.
 */
class RuleLifecycleITCase {
    private static final String SEQUENCE = "backdoor-admin-user";
    private static final String MATCH = "iam-user-created";
    private static final String THRESHOLD = "reconnaissance-burst";
    private static final String REAL_TIME = "2024-08-01T13:33:28Z";
    private static final String TEST_SOURCE_UID = "test-source";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final ConcurrentLinkedQueue<Finding> FINDINGS = new ConcurrentLinkedQueue<>();

    @TempDir
    static Path stateDirectory;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = Savepoints.rocksDbCluster(() -> stateDirectory);

    @TempDir
    Path input;

    private static List<String> REAL_RECORDS;

    private Instant t0;
    private int files;
    private final List<JobClient> jobs = new ArrayList<>();

    @BeforeEach
    void clear() throws Exception {
        if (REAL_RECORDS == null) {
            REAL_RECORDS = PackagedRules.testRecords(SEQUENCE, 0);
        }
        FINDINGS.clear();
        t0 = Instant.now().minus(Duration.ofMinutes(25)).truncatedTo(ChronoUnit.SECONDS);
    }

    /** A job a failed test left running would hold the cluster's slots, and the next test's job would wait for them. */
    @AfterEach
    void cancelRunningJobs() throws Exception {
        for (JobClient job : jobs) {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void addedRemovedAndCosmeticallyEditedRulesRestoreAndKeepTheStateOfWhatDidNotChange() throws Exception {
        // v1: the sequence and the match rule. The backdoor's first step is taken; the match rule alerts on it.
        Map<String, String> v1 = catalogue(SEQUENCE, MATCH);
        String afterFirstStep = createdThenStopped(v1, "b1-created", "backdoor-one");
        CompiledRule sequenceV1 = compiled(v1, SEQUENCE);
        assertThat(operatorsWithState(afterFirstStep)).as("the partial sequence is in the savepoint")
                .contains(operatorId(sequenceV1.uid("cep")));
        FINDINGS.clear();

        // v2: the sequence's title and severity edited, reconnaissance-burst added. The rest of the backdoor
        // completes the sequence begun before the restore; the same user created again by the same
        // principal within 15 minutes is the incident already alerted on; the new rule counts from zero.
        Map<String, String> v2 = new LinkedHashMap<>(v1);
        v2.put(SEQUENCE, v1.get(SEQUENCE)
                .replace("title: Backdoor administrator user created", "title: Admin backdoor user")
                .replace("severity: critical", "severity: high"));
        v2.put(THRESHOLD, text(THRESHOLD));
        assertThat(compiled(v2, SEQUENCE).uid("cep")).isEqualTo(sequenceV1.uid("cep"));
        List<String> phase2 = new ArrayList<>(List.of(
                attach("b1-admin", "backdoor-one", 60), key("b1-key", "backdoor-one", 70),
                createUser("b1-created-again", "backdoor-one", 80)));
        for (int call = 0; call < 14; call++) {
            phase2.add(discovery("discovery-" + call, DISCOVERY_CALLS[call], 90 + call));
        }
        phase2.add(tick("tick-2", 130));
        deliver(phase2.toArray(new String[0]));
        JobClient second = start(v2, afterFirstStep);
        await(second, finding -> finding.ruleId.equals(SEQUENCE));
        await(second, finding -> finding.ruleId.equals(THRESHOLD));
        String withBurstState = stop(second);

        Finding backdoor = only(SEQUENCE);
        assertThat(backdoor.events).extracting(event -> event.eventId).containsExactly("b1-created", "b1-admin", "b1-key");
        assertThat(backdoor.title).startsWith("Admin backdoor user (");
        assertThat(backdoor.severity).isEqualTo(Severity.HIGH);
        assertThat(backdoor.target.name).isEqualTo("backdoor-one");
        assertThat(ruleIds()).as("the repeated CreateUser is suppressed by state from before the restore")
                .doesNotContain(MATCH);
        assertThat(only(THRESHOLD).events).as("8 distinct enumeration calls; 11 of the 14 are in its list").hasSize(8);
        assertThat(operatorsWithState(withBurstState)).as("the three calls after the burst's finding are state")
                .contains(operatorId(compiled(v2, THRESHOLD).uid("threshold")));
        FINDINGS.clear();

        // v3: reconnaissance-burst removed while it holds state. The restore needs no flag beyond the
        // deployed AllowNonRestoredState, and the job goes on detecting.
        Map<String, String> v3 = new LinkedHashMap<>(v2);
        v3.remove(THRESHOLD);
        deliver(createUser("b2-created", "backdoor-two", 200), tick("tick-3", 210));
        JobClient third = start(v3, withBurstState);
        await(third, finding -> finding.ruleId.equals(MATCH));
        third.cancel().get(30, TimeUnit.SECONDS);

        assertThat(only(MATCH).target.name).isEqualTo("backdoor-two");
    }

    @Test
    void anEditOfTheStepsStartsFreshAndNoStalePartialMatchCompletesTheChangedPattern() throws Exception {
        Map<String, String> v1 = catalogue(SEQUENCE, MATCH);
        String afterFirstStep = createdThenStopped(v1, "stale-created", "backdoor-stale");
        FINDINGS.clear();

        // The credentials step narrowed to console passwords: the old partial match (its CreateUser)
        // followed by a grant and a password would complete the changed pattern if it were restored.
        Map<String, String> v2 = new LinkedHashMap<>(v1);
        v2.put(SEQUENCE, v1.get(SEQUENCE).replace("eventName: [CreateAccessKey, CreateLoginProfile]",
                "eventName: CreateLoginProfile"));
        assertThat(compiled(v2, SEQUENCE).uid("cep")).isNotEqualTo(compiled(v1, SEQUENCE).uid("cep"));
        deliver(attach("stale-admin", "backdoor-stale", 60), password("stale-password", "backdoor-stale", 70),
                createUser("fresh-created", "backdoor-fresh", 80), attach("fresh-admin", "backdoor-fresh", 90),
                password("fresh-password", "backdoor-fresh", 100), tick("tick-2", 120));
        JobClient second = start(v2, afterFirstStep);
        await(second, finding -> finding.ruleId.equals(SEQUENCE));
        Thread.sleep(1000);
        second.cancel().get(30, TimeUnit.SECONDS);

        Finding fresh = only(SEQUENCE);
        assertThat(fresh.events).extracting(event -> event.eventId)
                .containsExactly("fresh-created", "fresh-admin", "fresh-password");
    }

    @Test
    void aRestoreThatWouldDropACoreOperatorsStateIsRefused() throws Exception {
        Map<String, String> rules = catalogue(MATCH);
        String savepoint = createdThenStopped(rules, "created", "someone");

        // The same job with its source's uid changed: its read position would be dropped.
        JobClient renamed = start(rules, savepoint, "test-source-renamed");
        Throwable failure = null;
        try {
            renamed.getJobExecutionResult().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            failure = e;
        }

        assertThat(failure).as("the job failed instead of running without its source's state").isNotNull();
        assertThat(ExceptionUtils.findThrowableWithMessage(failure, "refusing to start"))
                .hasValueSatisfying(refusal -> assertThat(refusal.getMessage()).contains("[" + TEST_SOURCE_UID + "]"));
    }

    private static final String[] DISCOVERY_CALLS = {"ListUsers", "ListRoles", "ListPolicies", "ListGroups",
        "ListBuckets", "DescribeInstances", "DescribeVpcs", "GetAccountSummary", "ListAccessKeys", "DescribeRegions",
        "ListFunctions20150331", "DescribeSecurityGroups", "GetCallerIdentity", "ListSecrets"};

    /**
     * The first run: a CreateUser (a sequence's first step) and a later call of someone else, until the
     * match rule has alerted on the CreateUser; then stop with a savepoint, whose path is returned.
     */
    private String createdThenStopped(Map<String, String> catalogue, String eventId, String user) throws Exception {
        deliver(createUser(eventId, user, 0), tick("tick-1", 10));
        JobClient first = start(catalogue, null);
        await(first, finding -> finding.ruleId.equals(MATCH));
        return stop(first);
    }

    private JobClient start(Map<String, String> catalogue, String savepoint) throws Exception {
        return start(catalogue, savepoint, TEST_SOURCE_UID);
    }

    /**
     * The topology over the input directory, with a snapshot guard over the test graph's core
     * operators, restored from {@code savepoint} with AllowNonRestoredState on, as deployed.
     */
    private JobClient start(Map<String, String> catalogue, String savepoint, String sourceUid) throws Exception {
        Configuration configuration = new Configuration();
        if (savepoint != null) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            configuration.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        }
        configuration.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setParallelism(2);
        env.getConfig().setAutoWatermarkInterval(50);
        FileSource<RawInput> files = FileSource
                .forBulkFileFormat(new CloudTrailFileFormat(), new org.apache.flink.core.fs.Path(input.toUri()))
                .monitorContinuously(Duration.ofMillis(200))
                .build();
        DataStream<RawInput> raw = env.fromSource(files, WatermarkStrategy.noWatermarks(), "test files").uid(sourceUid);
        TrailWardenTopology.Outputs outputs = TrailWardenTopology.build(raw, config().detection, compile(catalogue));
        outputs.findings.sinkTo(new QueueSink<>(FINDINGS)).uid("test-findings").name("collect findings");
        Set<String> core = Set.of(sourceUid, TrailWardenTopology.PARSE_UID, TrailWardenTopology.EVENT_TIME_UID,
                TrailWardenTopology.DEDUP_UID, TrailWardenTopology.LATE_EVENTS_UID, CoreStateGuard.UID,
                "test-findings", "test-dead-letters");
        CoreStateGuard.attach(outputs.deadLetters, core, CoreOperators.RETIRED)
                .sinkTo(new DiscardingSink<>()).uid("test-dead-letters");
        CoreOperators.check(env, core);
        JobClient job = env.executeAsync("rule-lifecycle");
        jobs.add(job);
        return job;
    }

    /**
     * Stops the job with a savepoint. A savepoint can be taken only once every task runs, and on a busy
     * machine the first finding can come out while some rule's task is still starting: then it is retried.
     */
    private static String stop(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return job.stopWithSavepoint(false, stateDirectory.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (ExceptionUtils.findThrowableWithMessage(e, "is not being executed at the moment").isEmpty()
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static TrailWardenConfig config() throws Exception {
        return TrailWardenConfig.from(PropertyGroups.of(Map.of(
                "TrailWarden.Detection", Map.of("outOfOrderness", "1s", "idleness", "1s"))));
    }

    private static Map<String, String> catalogue(String... ids) throws Exception {
        Map<String, String> catalogue = new LinkedHashMap<>();
        for (String id : ids) {
            catalogue.put(id, text(id));
        }
        return catalogue;
    }

    private static String text(String id) throws Exception {
        return Files.readString(RepoRules.directory().resolve(id + ".yaml"), StandardCharsets.UTF_8);
    }

    private static CompiledRules compile(Map<String, String> catalogue) throws Exception {
        TrailWardenConfig config = config();
        List<RuleLoader.Source> sources = catalogue.entrySet().stream()
                .map(rule -> new RuleLoader.Source(rule.getKey() + ".yaml", rule.getValue()))
                .collect(Collectors.toList());
        return CompiledRules.compile(RuleCatalogue.loader(config.lists.lists, config.detection).load(sources),
                config.lists.lists);
    }

    private static CompiledRule compiled(Map<String, String> catalogue, String id) throws Exception {
        return compile(catalogue).rules().stream().filter(rule -> rule.id.equals(id)).findFirst().orElseThrow();
    }

    /** One more file of records for the running (or next) job; written aside and renamed, so it is read whole. */
    private void deliver(String... records) throws Exception {
        Path hidden = input.resolve(".part-" + files);
        Files.writeString(hidden, String.join("\n", records) + "\n", StandardCharsets.UTF_8);
        Files.move(hidden, input.resolve("delivery-" + files++ + ".jsonl"), StandardCopyOption.ATOMIC_MOVE);
    }

    private String createUser(String eventId, String user, int second) {
        return record(2, eventId, user, second);
    }

    private String attach(String eventId, String user, int second) {
        return record(0, eventId, user, second);
    }

    private String key(String eventId, String user, int second) {
        return record(1, eventId, user, second);
    }

    private String password(String eventId, String user, int second) {
        return record(1, eventId, user, second).replace("\"CreateAccessKey\"", "\"CreateLoginProfile\"");
    }

    private String discovery(String eventId, String eventName, int second) {
        return record(2, eventId, "nobody", second).replace("\"CreateUser\"", "\"" + eventName + "\"");
    }

    /** A call of someone else that moves event time past the records before it. */
    private String tick(String eventId, int second) {
        return record(2, eventId, "nobody", second).replace("\"CreateUser\"", "\"GetUser\"")
                .replace("user/christophe", "user/ticker").replace("AKIAOZUDECYXYM4ONAN4", "AKIATICKER0000000000");
    }

    /** Record {@code index} of the rule's first (real) test case: 0 AttachUserPolicy, 1 CreateAccessKey, 2 CreateUser. */
    private String record(int index, String eventId, String user, int second) {
        return REAL_RECORDS.get(index)
                .replace(REAL_TIME, t0.plusSeconds(second).toString())
                .replace("malicious-iam-user", user)
                .replaceFirst("\"eventID\"\\s*:\\s*\"[^\"]+\"", "\"eventID\": \"" + eventId + "\"");
    }

    private static void await(JobClient job, Predicate<Finding> wanted) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (FINDINGS.stream().noneMatch(wanted)) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                throw new AssertionError("the job ended (" + job.getJobStatus().get() + ") with findings " + ruleIds());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such finding within " + TIMEOUT + "; findings: " + ruleIds());
            }
            Thread.sleep(100);
        }
    }

    private static Finding only(String ruleId) {
        List<Finding> findings = FINDINGS.stream().filter(finding -> finding.ruleId.equals(ruleId))
                .collect(Collectors.toList());
        assertThat(findings).as("findings of %s", ruleId).hasSize(1);
        return findings.get(0);
    }

    private static List<String> ruleIds() {
        return FINDINGS.stream().map(finding -> finding.ruleId).collect(Collectors.toList());
    }

    /** The operator id Flink derives from a uid (murmur3 of the uid, as its stream graph hasher does). */
    private static OperatorID operatorId(String uid) {
        return new OperatorID(Hashing.murmur3_128(0).newHasher().putString(uid, StandardCharsets.UTF_8).hash().asBytes());
    }

    private static Set<OperatorID> operatorsWithState(String savepoint) throws Exception {
        Set<OperatorID> withState = new HashSet<>();
        for (OperatorState operator : Savepoints.metadata(savepoint).getOperatorStates()) {
            if (operator.getStates().stream().anyMatch(subtask -> subtask.hasState())) {
                withState.add(operator.getOperatorID());
            }
        }
        return withState;
    }
}
